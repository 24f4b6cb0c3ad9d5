import Foundation
import SinoRandom
import TestSupport
import Testing

@testable import SinoSelection

/// SinoSelection.GLMNet against R glmnet 4.1-6 (scripts/peers/glmnet.R): lambda paths,
/// coefficients on the original scale, dev.ratio, nulldev, cross-validation curves and
/// lambda.min / lambda.1se.
@Suite("glmnet (R glmnet 4.1)")
struct GLMNetTests {
    nonisolated(unsafe) static let fixture = try! Fixtures.json("selection/glmnet.json")
    static let tool = "R " + Fixtures.versions(fixture)

    static func number(_ value: Any) -> Double { (value as! NSNumber).doubleValue }
    static func numbers(_ value: Any) -> [Double] {
        if let array = value as? [Any] { return array.map(number) }
        return [number(value)]
    }
    static func matrix(_ value: Any) -> [[Double]] {
        (value as! [Any]).map(numbers)
    }

    struct Case {
        var name: String
        var family: GLMNetFamily
        var x: [[Double]]
        var y: [Int]
        var classCount: Int
        var settings: GLMNetSettings
        var object: [String: Any]

        init(_ object: [String: Any]) {
            self.object = object
            name = object["name"] as! String
            let grouped = object["grouped"] as! Bool
            family = (object["family"] as! String) == "binomial" ? .binomial : .multinomial(grouped: grouped)
            x = GLMNetTests.matrix(object["x"]!)
            y = GLMNetTests.numbers(object["y"]!).map { Int($0) }
            classCount = (y.max() ?? 0) + 1
            settings = GLMNetSettings()
            let given = object["settings"] as? [String: Any] ?? [:]
            if let alpha = given["alpha"] { settings.alpha = GLMNetTests.number(alpha) }
            if let standardize = given["standardize"] as? Bool { settings.standardize = standardize }
            if let intercept = given["intercept"] as? Bool { settings.intercept = intercept }
            if let thresh = given["thresh"] { settings.threshold = GLMNetTests.number(thresh) }
            if let count = given["nlambda"] { settings.lambdaCount = Int(GLMNetTests.number(count)) }
            if let lambda = given["lambda"] { settings.lambda = GLMNetTests.numbers(lambda) }
            if let factors = given["penalty.factor"] { settings.penaltyFactor = GLMNetTests.numbers(factors) }
        }

        /// R's per-class coefficient matrices [class][lambda][variable] as [lambda][class][variable].
        func coefficients(_ key: String) -> [[[Double]]] {
            let perClass = (object[key] as! [Any]).map { GLMNetTests.matrix($0) }
            return perClass[0].indices.map { l in perClass.map { $0[l] } }
        }
        func intercepts(_ key: String) -> [[Double]] {
            let perClass = (object[key] as! [Any]).map { GLMNetTests.numbers($0) }
            return perClass[0].indices.map { l in perClass.map { $0[l] } }
        }
    }

    /// Largest |a - e| / max(|e|, floor) over paired values.
    static func worst(_ actual: [Double], _ expected: [Double], floor: Double = 1e-3) -> Double {
        zip(actual, expected).reduce(0) { max($0, abs($1.0 - $1.1) / max(abs($1.1), floor)) }
    }

    @Test("Paths: lambda, coefficients, dev.ratio and nulldev equal R's", arguments: 0..<15)
    func path(_ index: Int) throws {
        let cases = Self.fixture["paths"] as! [[String: Any]]
        try #require(index < cases.count)
        let c = Case(cases[index])
        let fit = try GLMNet.fit(x: c.x, y: c.y, classCount: c.classCount, family: c.family, settings: c.settings)
        let lambda = Self.numbers(c.object["lambda"]!)
        #expect(fit.lambda.count == lambda.count, "\(c.name): \(fit.lambda.count) lambdas, R has \(lambda.count)")
        guard fit.lambda.count == lambda.count else { return }
        let intercepts = c.intercepts("a0")
        let coefficients = c.coefficients("beta")
        var differences = [Self.worst(fit.lambda, lambda, floor: 0)]
        for l in lambda.indices {
            differences.append(Self.worst(fit.intercepts[l], intercepts[l]))
            for k in coefficients[l].indices { differences.append(Self.worst(fit.coefficients[l][k], coefficients[l][k])) }
        }
        differences.append(Self.worst(fit.devianceRatio, Self.numbers(c.object["devRatio"]!)))
        differences.append(Self.worst([fit.nullDeviance], [Self.number(c.object["nulldev"]!)]))
        let largest = differences.max()!
        reportComparison("glmnet path, \(c.name) (\(lambda.count) lambdas)", tool: Self.tool, maxRelDiff: largest)
        #expect(largest < 1e-6, "\(c.name)")
        #expect(fit.passes == Int(Self.number(c.object["npasses"]!)), "\(c.name): npasses")
    }

    @Test("cv.glmnet: folds, cvm, cvsd, lambda.min, lambda.1se and coefficients at both equal R's", arguments: 0..<8)
    func crossValidation(_ index: Int) throws {
        let cases = Self.fixture["cv"] as! [[String: Any]]
        try #require(index < cases.count)
        let c = Case(cases[index])
        let foldid = Self.numbers(c.object["foldid"]!).map { Int($0) }
        let loss = GLMNetLoss(rawValue: c.object["measure"] as! String)!
        let cv: GLMNetCrossValidation
        if let seed = c.object["seed"] as? NSNumber {
            cv = try GLMNet.crossValidate(
                x: c.x, y: c.y, classCount: c.classCount, family: c.family, settings: c.settings, loss: loss,
                seed: Int32(seed.intValue))
            #expect(cv.foldIDs == foldid, "\(c.name): R's folds from set.seed(\(seed))")
        } else {
            cv = try GLMNet.crossValidate(
                x: c.x, y: c.y, classCount: c.classCount, family: c.family, settings: c.settings, loss: loss, foldIDs: foldid)
        }
        let lambda = Self.numbers(c.object["lambda"]!)
        #expect(cv.lambda.count == lambda.count, "\(c.name)")
        guard cv.lambda.count == lambda.count else { return }
        var differences = [
            Self.worst(cv.lambda, lambda, floor: 0), Self.worst(cv.mean, Self.numbers(c.object["cvm"]!)),
            Self.worst(cv.standardError, Self.numbers(c.object["cvsd"]!)),
            Self.worst([cv.lambdaMin, cv.lambda1SE], [Self.number(c.object["lambdaMin"]!), Self.number(c.object["lambda1se"]!)], floor: 0)
        ]
        for (s, a0Key, betaKey) in [(cv.lambdaMin, "a0Min", "betaMin"), (cv.lambda1SE, "a01se", "beta1se")] {
            let (a0, beta) = cv.fit.coefficients(at: s)
            differences.append(Self.worst(a0, c.intercepts(a0Key)[0]))
            let expected = c.coefficients(betaKey)[0]
            for k in expected.indices { differences.append(Self.worst(beta[k], expected[k])) }
        }
        #expect(cv.nonzero == Self.numbers(c.object["nzero"]!).map { Int($0) }, "\(c.name): nzero")
        let largest = differences.max()!
        reportComparison("cv.glmnet, \(c.name)", tool: Self.tool, maxRelDiff: largest)
        #expect(largest < 1e-6, "\(c.name)")
    }
}

@Suite("cv.glmnet on threads")
struct GLMNetThreadTests {
    @Test("the CV curve, lambdas and coefficients are the same bits on 1, 2 and 5 threads; a fold that cannot be fitted is named")
    func threads() throws {
        var random = SplitMix64(seed: 8)
        let n = 90, p = 40
        let y = (0..<n).map { $0 % 3 }
        let x = (0..<n).map { i in (0..<p).map { j in Double.random(in: -1...1, using: &random) + (j < 4 ? 0.6 * Double(y[i]) : 0) } }
        let runs = try [1, 2, 5].map { threads in
            try GLMNet.crossValidate(x: x, y: y, classCount: 3, family: .multinomial(grouped: false), folds: 5, seed: 3, threads: threads)
        }
        for cv in runs.dropFirst() {
            #expect(cv.lambda.map(\.bitPattern) == runs[0].lambda.map(\.bitPattern))
            #expect(cv.mean.map(\.bitPattern) == runs[0].mean.map(\.bitPattern))
            #expect(cv.standardError.map(\.bitPattern) == runs[0].standardError.map(\.bitPattern))
            #expect(cv.lambdaMin == runs[0].lambdaMin && cv.lambda1SE == runs[0].lambda1SE)
            #expect(cv.fit.coefficients.map { $0.map { $0.map(\.bitPattern) } } == runs[0].fit.coefficients.map { $0.map { $0.map(\.bitPattern) } })
        }
        // Fold 2 alone holds every class-2 patient but one: its fit sees a class with 1 patient.
        var foldIDs = (0..<n).map { $0 % 4 + 1 }
        for i in 0..<n where y[i] == 2 { foldIDs[i] = 2 }
        foldIDs[2] = 1
        for threads in [1, 3] {
            let message = thrownMessage { _ = try GLMNet.crossValidate(x: x, y: y, classCount: 3, family: .multinomial(grouped: false), foldIDs: foldIDs, threads: threads) }
            #expect(message.contains("cv.glmnet fold 2 of 4"), "\(threads) thread(s): \(message)")
        }
    }
}

@Suite("glmnet refuses bad input")
struct GLMNetBadInputTests {
    static let x = (0..<20).map { i in [Double(i), Double(i * i % 7), sin(Double(i))] }
    static let y = (0..<20).map { $0 % 2 }

    @Test("Each problem is named")
    func messages() {
        var ragged = Self.x
        ragged[4] = [1, 2]
        #expect(thrownMessage { _ = try GLMNet.fit(x: ragged, y: Self.y, classCount: 2, family: .binomial) }.contains("row 5 of x has 2 values, expected 3"))
        var nan = Self.x
        nan[2][1] = .nan
        #expect(thrownMessage { _ = try GLMNet.fit(x: nan, y: Self.y, classCount: 2, family: .binomial) }.contains("row 3, variable 2"))
        var lonely = Self.y
        lonely = lonely.map { _ in 0 }
        lonely[7] = 1
        #expect(thrownMessage { _ = try GLMNet.fit(x: Self.x, y: lonely, classCount: 2, family: .binomial) }.contains("class 1 has 1 observation"))
        let constant = Self.x.map { _ in [1.0, 2.0, 3.0] }
        #expect(thrownMessage { _ = try GLMNet.fit(x: constant, y: Self.y, classCount: 2, family: .binomial) }.contains("constant"))
        #expect(thrownMessage { _ = try GLMNet.fit(x: Self.x, y: Self.y.map { $0 + 1 }, classCount: 2, family: .binomial) }.contains("outside 0..<2"))
        #expect(thrownMessage { _ = try GLMNet.fit(x: Self.x, y: Self.y, classCount: 3, family: .binomial) }.contains("needs 2 classes"))
        #expect(
            thrownMessage {
                _ = try GLMNet.crossValidate(x: Self.x, y: Self.y, classCount: 2, family: .binomial, foldIDs: Self.y.map { $0 + 1 })
            }.contains("at least 3 folds"))
    }
}
