package id.migranemas.app

import android.content.Intent
import android.os.Bundle
import android.widget.LinearLayout
import id.migranemas.app.screens.ReportPresenter
import id.migranemas.app.screens.ReportState

/** The village report for a period; the CSV goes out through the share sheet (counts only). */
class ReportActivity : PinScreen() {
    private lateinit var presenter: ReportPresenter
    private lateinit var body: LinearLayout
    private var csv: String = ""

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val vault = unlockedVault() ?: return
        presenter = ReportPresenter(vault, app().locale)
        val from = field(R.string.report_from)
        val to = field(R.string.report_to)
        val show = action(R.string.report_show) { app().background({ presenter.load(from.text.toString(), to.text.toString()) }, ::render) }
        val share = action(R.string.report_share) {
            if (csv.isNotEmpty()) {
                val send = Intent(Intent.ACTION_SEND).setType("text/csv").putExtra(Intent.EXTRA_TEXT, csv)
                startActivity(Intent.createChooser(send, getString(R.string.report_share)))
            }
        }
        body = vertical()
        setContentView(screen(label(getString(R.string.report_title), 22f), from, to, show, share, body))
        app().background({ presenter.load() }, ::render)
    }

    private fun render(state: ReportState) {
        body.removeAllViews()
        csv = state.csv
        body.addView(label(state.text))
        showRefusal(state.refusal, body)
    }
}
