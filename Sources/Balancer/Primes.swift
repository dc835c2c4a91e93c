// Maglev's table size must be prime, so that every skip walks all slots.

enum Primes {
    static func isPrime(_ n: Int) -> Bool {
        if n < 2 { return false }
        if n < 4 { return true }
        if n % 2 == 0 || n % 3 == 0 { return false }
        var divisor = 5
        while divisor * divisor <= n {
            if n % divisor == 0 || n % (divisor + 2) == 0 { return false }
            divisor += 6
        }
        return true
    }

    static func prime(atLeast n: Int) -> Int {
        var candidate = max(n, 2)
        while !isPrime(candidate) { candidate += 1 }
        return candidate
    }
}
