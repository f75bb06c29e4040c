import MigranCore
import SwiftUI

/// The village report for a period, to read and to share as CSV (counts only, no names).
struct ReportScreen: View {
    let vault: Vault
    let locale: MigranCore.Locale
    @State private var from = ""
    @State private var to = ""
    @State private var text = ""
    @State private var csv = ""
    @State private var refusal: Refusal?

    var body: some View {
        Form {
            RefusalText(refusal: refusal)
            TextField(String(localized: "report.from", bundle: .module), text: $from)
            TextField(String(localized: "report.to", bundle: .module), text: $to)
            Button { load() } label: { Text("report.show", bundle: .module) }
            if !csv.isEmpty {
                ShareLink(item: csv) { Text("report.share", bundle: .module) }
            }
            Text(text).font(.body)
        }
        .navigationTitle(Text("report.title", bundle: .module))
        .emergencyButton(vault: vault, locale: locale)
        .onAppear(perform: load)
    }

    private func load() {
        do {
            let report = try vault.villageReport(request: ReportRequest(from: optional(from), to: optional(to)))
            text = villageReportText(report: report, locale: locale)
            csv = villageReportCsv(report: report)
            refusal = nil
        } catch {
            text = ""
            csv = ""
            refusal = Refusal(error, locale: locale)
        }
    }
}
