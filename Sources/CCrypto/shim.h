// OpenSSL's libcrypto for SHA-256 through the EVP digest interface (Debian: libssl-dev). No logic here.
#include <openssl/evp.h>
