import Domain
import Foundation
@testable import Pipeline
import Logging
import Reports
import Store
import Testing
import TestSupport
import WorldGenerator

/// The statistics of a generated realistic night (the benchmark's world, small): every
/// kind from schools, trusts and appropriate bodies, LAs of very different sizes in four
/// regions, one LA GIAS names that the lookup lacks.
@Suite("A realistic night's statistics", .serialized)
struct RealisticNightTests {
    /// Generated and run once for the suite.
    static let world: Result<DataRoot, any Error> = Result {
        let folder = Scratch.path("ect-realistic")
        let root = DataRoot(path: folder, store: try TestStore.location(for: folder))
        var generator = Generator(seed: 11, rows: 6_000, files: 1, shape: .realistic)
        _ = try generator.write(root: root.path)
        let store = try Store(location: root.store)
        let reference = try Generator.reference(root: root.path)
        try store.write { try $0.upsert(reference) }
        _ = try BatchRun(options: .init(root: root, asOf: generator.asOf, runID: "night"),
                         logger: .init(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })).run()
        return root
    }

    /// The night's root, its reports written with `threshold`.
    static func reports(suppressBelow threshold: Int) throws -> DataRoot {
        let root = try world.get()
        try ReportBuilder(store: try Store(location: root.store)).write(root: root, runs: ["night"], suppressBelow: threshold)
        return root
    }

    @Test("the EES files pass the screener's checks, suppressed or not", arguments: [0, 5, 10])
    func screener(_ threshold: Int) throws {
        let root = try Self.reports(suppressBelow: threshold)
        for (name, failures) in try Screener.checkAll(in: root) {
            #expect(failures.isEmpty, "\(name): \(failures)")
        }
    }

    @Test("the night has what makes the checks bite: every level, LAs small enough to be suppressed")
    func notVacuous() throws {
        // Registrations are many in every LA: they need a higher threshold to show a c.
        for (name, threshold) in [("ect_induction_activity", 5), ("ect_mentor_registrations", 40)] {
            let root = try Self.reports(suppressBelow: threshold)
            let (rows, column) = try Screener.published(name, in: root)
            #expect(Set(rows.dropFirst().map { $0[column("geographic_level")] }) == ["National", "Regional", "Local authority"])
            #expect(Set(rows.dropFirst().map { $0[column("region_code")] }).count >= 5)
            let suppressed = rows.dropFirst().filter { $0.contains("c") }.count
            #expect(suppressed > 0 && suppressed < rows.count - 1, "\(name): \(suppressed) of \(rows.count - 1) rows have a c")
        }
    }

    @Test("no suppressed value can be worked back: no tie between published figures has exactly one hidden cell",
          arguments: [3, 5, 10, 40])
    func noSuppressedValueRecoverable(_ threshold: Int) throws {
        let root = try Self.world.get()
        let store = try Store(location: root.store)
        let builder = ReportBuilder(store: store)
        let placed = try store.read { try $0.placedPeriods() }
        let reports = [try builder.runReport("night"), try builder.programmeReport(from: nil, to: nil, placed: placed),
                       try OpenDataBuilder(store: store).activityReport(from: nil, to: nil, placed: placed),
                       try OpenDataBuilder(store: store).registrationsReport(from: nil, to: nil)]
        var hiddenSomewhere = false
        for report in reports {
            #expect(!report.relations.isEmpty, "\(report.title)")
            let suppressed = report.suppressing(below: threshold)
            for relation in report.relations {
                let hidden = relation.filter { suppressed[$0] == .suppressed }
                if !hidden.isEmpty { hiddenSomewhere = true }
                #expect(hidden.count != 1, "\(report.title): \(relation) leaves \(hidden) alone")
            }
            for derivation in report.derivations where derivation.from.contains(where: { suppressed[$0] == .suppressed }) {
                #expect(suppressed[derivation.cell] == .suppressed || suppressed[derivation.cell] == .none, "\(derivation.cell)")
            }
        }
        #expect(hiddenSomewhere, "at \(threshold) something must be hidden, or the check proves nothing")
    }
}
