import Testing

@testable import SinoReport

@Suite("Figure input validation")
struct FigureValidationTests {
    static func curve(
        fpr: [Double] = [0, 0.5, 1], tpr: [Double] = [0, 0.8, 1], auc: Double = 0.65,
        ci: ClosedRange<Double>? = nil
    ) -> ROCFigureCurve {
        ROCFigureCurve(label: "ACC", fpr: fpr, tpr: tpr, auc: auc, aucInterval: ci)
    }

    static func message(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let error as FigureError {
            return error.description
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test("ROC: unpaired rates, values outside [0, 1], no curves or no points")
    func roc() {
        #expect(
            Self.message { _ = try ROCFigure(curves: [Self.curve(tpr: [0, 1])]) }
                == "ROCFigure: curve 'ACC': fpr has 3 values but tpr has 2")
        #expect(
            Self.message { _ = try ROCFigure(curves: [Self.curve(tpr: [0, 1.2, 1])]) }
                == "ROCFigure: curve 'ACC': tpr[1] = 1.2 is outside [0, 1]")
        #expect(
            Self.message { _ = try ROCFigure(curves: [Self.curve(fpr: [0, .nan, 1])]) }
                == "ROCFigure: curve 'ACC': fpr[1] = nan is outside [0, 1]")
        #expect(
            Self.message { _ = try ROCFigure(curves: [Self.curve(ci: 0.5...1.1)]) }
                == "ROCFigure: curve 'ACC': aucInterval[1] = 1.1 is outside [0, 1]")
        #expect(
            Self.message { _ = try ROCFigure(curves: [Self.curve(auc: -0.1)]) }
                == "ROCFigure: curve 'ACC': auc[0] = -0.1 is outside [0, 1]")
        #expect(Self.message { _ = try ROCFigure(curves: []) } == "ROCFigure: needs at least one curve")
        #expect(
            Self.message { _ = try ROCFigure(curves: [Self.curve(fpr: [], tpr: [])]) }
                == "ROCFigure: curve 'ACC' has no points")
        #expect(Self.message { _ = try ROCFigure(curves: [Self.curve()]) } == nil)
    }

    @Test("Confusion matrix: K mismatches, ragged rows, negative counts, no classes")
    func confusion() {
        let names = ["SCC", "ACC", "ONB"]
        #expect(
            Self.message { _ = try ConfusionMatrixFigure(classNames: names, counts: [[1, 2], [3, 4]]) }
                == "ConfusionMatrixFigure: 3 class names but 2 rows of counts")
        #expect(
            Self.message { _ = try ConfusionMatrixFigure(classNames: names, counts: [[1, 2, 3], [4, 5], [6, 7, 8]]) }
                == "ConfusionMatrixFigure: row 1 ('ACC') has 2 counts, expected 3")
        #expect(
            Self.message { _ = try ConfusionMatrixFigure(classNames: ["A", "B"], counts: [[1, -2], [3, 4]]) }
                == "ConfusionMatrixFigure: count[0][1] = -2 is negative")
        #expect(
            Self.message { _ = try ConfusionMatrixFigure(classNames: [], counts: []) }
                == "ConfusionMatrixFigure: needs at least one class name")
    }

    @Test("Calibration: unpaired bins, probabilities or Brier score outside [0, 1]")
    func calibration() {
        func figure(_ predicted: [Double], _ observed: [Double], brier: Double? = nil) throws {
            _ = try CalibrationFigure(curves: [
                CalibrationFigureCurve(
                    label: "ONB", meanPredicted: predicted,
                    observedFraction: observed, brierScore: brier)
            ])
        }
        #expect(
            Self.message { try figure([0.1, 0.5], [0.2]) }
                == "CalibrationFigure: curve 'ONB': meanPredicted has 2 values but observedFraction has 1")
        #expect(
            Self.message { try figure([0.1, 0.5], [0.2, -0.1]) }
                == "CalibrationFigure: curve 'ONB': observedFraction[1] = -0.1 is outside [0, 1]")
        #expect(
            Self.message { try figure([0.1], [0.2], brier: 1.5) }
                == "CalibrationFigure: curve 'ONB': brierScore[0] = 1.5 is outside [0, 1]")
        #expect(Self.message { _ = try CalibrationFigure(curves: []) } == "CalibrationFigure: needs at least one curve")
    }

    @Test("Decision curves: prevalence, thresholds in [0, 1), finite net benefit, paired values")
    func decision() {
        func figure(prevalence: Double = 0.3, thresholds: [Double] = [0.1, 0.2], netBenefit: [Double] = [0.2, 0.1]) throws {
            _ = try DecisionCurveFigure(
                prevalence: prevalence,
                models: [
                    DecisionFigureCurve(label: "RF", thresholds: thresholds, netBenefit: netBenefit)
                ])
        }
        #expect(Self.message { try figure(prevalence: 0) } == "DecisionCurveFigure: prevalence 0.0 is outside (0, 1)")
        #expect(
            Self.message { try figure(thresholds: [0.1, 1]) }
                == "DecisionCurveFigure: model 'RF': thresholds[1] = 1.0 is outside [0, 1)")
        #expect(
            Self.message { try figure(netBenefit: [0.2, .infinity]) }
                == "DecisionCurveFigure: model 'RF': netBenefit[1] = inf is not a finite number")
        #expect(
            Self.message { try figure(thresholds: [0.1]) }
                == "DecisionCurveFigure: model 'RF': thresholds has 1 values but netBenefit has 2")
        #expect(
            Self.message { _ = try DecisionCurveFigure(prevalence: 0.3, models: []) }
                == "DecisionCurveFigure: needs at least one model")
        #expect(Self.message { try figure() } == nil)
    }
}
