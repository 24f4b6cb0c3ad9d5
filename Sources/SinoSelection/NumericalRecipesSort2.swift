/// Numerical Recipes in C (2nd ed., 1992) `sort2` as pymrmr 0.1.11 ships it (`sort2.cpp`):
/// sorts `arr[1...n]` ascending and applies the same moves to `brr`, by quicksort with a
/// median-of-three pivot, insertion sort on pieces shorter than M = 7 and an explicit stack
/// (NSTACK = 50). It is not stable: the order of equal keys depends on the moves, which is why
/// pymrmr's ranking of features with equal relevance is reproduced by running the same moves.
/// Arrays are 1-based as in the C code: index 0 is present and never read.
enum NumericalRecipesSort2 {
    static func sort2(_ n: Int, _ arr: inout [Float], _ brr: inout [Int]) {
        let m = 7, nstack = 50
        var ir = n, l = 1
        var istack = [Int](repeating: 0, count: nstack + 1)
        var jstack = 0
        while true {
            if ir - l < m {
                var j = l + 1
                while j <= ir {
                    let a = arr[j], b = brr[j]
                    // pymrmr's copy runs i down to 1 (NR's original stops at l); both stop at the
                    // same place, because every key left of l is <= a.
                    var i = j - 1
                    while i >= 1 {
                        if arr[i] <= a { break }
                        arr[i + 1] = arr[i]
                        brr[i + 1] = brr[i]
                        i -= 1
                    }
                    arr[i + 1] = a
                    brr[i + 1] = b
                    j += 1
                }
                if jstack == 0 { return }
                ir = istack[jstack]
                l = istack[jstack - 1]
                jstack -= 2
            } else {
                let k = (l + ir) >> 1
                arr.swapAt(k, l + 1)
                brr.swapAt(k, l + 1)
                if arr[l + 1] > arr[ir] {
                    arr.swapAt(l + 1, ir)
                    brr.swapAt(l + 1, ir)
                }
                if arr[l] > arr[ir] {
                    arr.swapAt(l, ir)
                    brr.swapAt(l, ir)
                }
                if arr[l + 1] > arr[l] {
                    arr.swapAt(l + 1, l)
                    brr.swapAt(l + 1, l)
                }
                var i = l + 1
                var j = ir
                let a = arr[l], b = brr[l]
                while true {
                    repeat { i += 1 } while arr[i] < a
                    repeat { j -= 1 } while arr[j] > a
                    if j < i { break }
                    arr.swapAt(i, j)
                    brr.swapAt(i, j)
                }
                arr[l] = arr[j]
                arr[j] = a
                brr[l] = brr[j]
                brr[j] = b
                jstack += 2
                // NR stops with "NSTACK too small in sort2." here; it pushes the larger piece and
                // sorts the smaller first, so 50 entries cover 2^25 keys and the check cannot fail for the
                // pool sizes pymrmr uses.
                precondition(jstack <= nstack, "NSTACK too small in sort2.")
                if ir - i + 1 >= j - l {
                    istack[jstack] = ir
                    istack[jstack - 1] = i
                    ir = j - 1
                } else {
                    istack[jstack] = j - 1
                    istack[jstack - 1] = l
                    l = i
                }
            }
        }
    }
}
