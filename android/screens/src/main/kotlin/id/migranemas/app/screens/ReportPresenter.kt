package id.migranemas.app.screens

import id.migranemas.core.Locale
import id.migranemas.core.MigranException
import id.migranemas.core.ReportRequest
import id.migranemas.core.Vault
import id.migranemas.core.VillageReport
import id.migranemas.core.villageReportCsv
import id.migranemas.core.villageReportText

data class ReportState(
    val report: VillageReport? = null,
    /** The report as the core writes it for reading, in the screen's language. */
    val text: String = "",
    /** The same report as CSV, for the share sheet: counts only, no names. */
    val csv: String = "",
    val refusal: Refusal? = null,
)

/** The village report for a period (both ends optional, `YYYY-MM-DD`), to read and to share. */
class ReportPresenter(private val vault: Vault, private val locale: Locale) {
    var state = ReportState()
        private set

    fun load(from: String? = null, to: String? = null): ReportState {
        state = try {
            val report = vault.villageReport(ReportRequest(from?.ifBlank { null }, to?.ifBlank { null }))
            ReportState(report = report, text = villageReportText(report, locale), csv = villageReportCsv(report))
        } catch (error: MigranException) {
            ReportState(refusal = refusal(error, locale))
        }
        return state
    }
}
