"""Expected SHA-256 digests (Python's hashlib) for SinoData's SHA256, which keys the study's
stage cache. Inputs cover the padding boundaries (55, 56, 63, 64, 65 bytes), multi-block
messages and a message fed in uneven pieces.

    python3 scripts/peers/sha256.py      # writes Tests/Fixtures/sha256.json
"""
import hashlib, platform
from pathlib import Path
from fixture_json import write_fixture

def message(n):
    # Deterministic bytes: (7 i + 3) mod 256.
    return bytes((7 * i + 3) % 256 for i in range(n))

lengths = [0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 1000, 65536 + 17]
cases = [{"length": n, "sha256": hashlib.sha256(message(n)).hexdigest()} for n in lengths]
out = {
    "generator": "scripts/peers/sha256.py",
    "versions": {"python": platform.python_version(), "hashlib": "OpenSSL " + __import__("ssl").OPENSSL_VERSION},
    "message": "byte i = (7 i + 3) mod 256",
    "abc": hashlib.sha256(b"abc").hexdigest(),
    "cases": cases,
}
path = Path(__file__).resolve().parents[2] / "Tests/Fixtures/sha256.json"
write_fixture(path, out)
print(f"wrote {path}")
