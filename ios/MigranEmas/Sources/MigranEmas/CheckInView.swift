import MigranCore
import SwiftUI

/// The check-in screen (issue 16), reached from the emergency screen: the same behaviour as
/// Android's `CheckInPresenter` and `CheckInActivity`. Works on the locked vault (status,
/// "I am safe" and stop, both with the PIN, checked by the core as at unlock); setting one
/// up needs the PIN's session (`vault.isUnlocked()`). Every rule is the core's; the view
/// only turns the picked date into RFC 3339 and the core's times into the phone's clock.
/// Not compiled here (no Swift toolchain); strings in CheckIn.strings.
struct CheckInView: View {
    let vault: Vault
    let locale: MigranCore.Locale
    @State private var status: CheckInStatus?
    @State private var canSetUp = false
    @State private var answered = false
    @State private var refusal: Refusal?
    @State private var pin = ""
    @State private var hours = "24"
    @State private var graceMinutes = "60"
    @State private var kind: EmergencyKind = .heldAgainstWill
    @State private var once = Date().addingTimeInterval(3 * 3600)
    /// The alert this screen's own poll queued (a check-in missed before any refresh ran).
    @State private var queued: EmergencyAlert?
    @Environment(\.openURL) private var openURL

    private let kinds: [(EmergencyKind, LocalizedStringKey)] = [
        (.heldAgainstWill, "emergency.held"),
        (.violence, "emergency.violence"),
        (.medical, "emergency.medical"),
        (.passportTaken, "emergency.passport"),
        (.unpaidWages, "emergency.wages"),
        (.detention, "emergency.detention"),
        (.wantToGoHome, "emergency.goHome"),
        (.other, "emergency.other"),
    ]

    var body: some View {
        Form {
            Text("checkin.explain", tableName: "CheckIn", bundle: .module)
            RefusalText(refusal: refusal)
            if let queued { queuedSection(queued) }
            if let status { statusSection(status) }
            if answered { Text("checkin.fineDone", tableName: "CheckIn", bundle: .module).font(.headline) }
            Section {
                SecureField(String(localized: "checkin.pin", table: "CheckIn", bundle: .module), text: $pin).numberPad()
                Button { answer(cancel: false) } label: { Text("checkin.fine", tableName: "CheckIn", bundle: .module) }
                Button { answer(cancel: true) } label: { Text("checkin.cancel", tableName: "CheckIn", bundle: .module) }
            }
            if canSetUp {
                setUpSection
            } else {
                Text("checkin.setupLocked", tableName: "CheckIn", bundle: .module).font(.caption)
            }
        }
        .navigationTitle(Text("checkin.title", tableName: "CheckIn", bundle: .module))
        .onAppear { load() }
    }

    /// The queued alert's texts, one tap each to Messages or WhatsApp (the person sends).
    @ViewBuilder private func queuedSection(_ alert: EmergencyAlert) -> some View {
        Section(header: Text("checkin.sendAlert", tableName: "CheckIn", bundle: .module)) {
            ForEach(alert.plan.actions.filter { $0.channel != .call }, id: \.position) { action in
                Button { handOver(action, alertId: alert.id) } label: {
                    Text(verbatim: "\(action.channel == .sms ? "SMS" : "WhatsApp") \(action.label) (\(action.number))")
                }
            }
        }
    }

    private func handOver(_ action: EmergencyAction, alertId: String) {
        let digits = action.number.filter { $0.isNumber || $0 == "+" }
        let text = action.message.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? ""
        let link = action.channel == .sms
            ? "sms:\(digits)&body=\(text)"
            : "https://wa.me/\(digits.filter { $0.isNumber })?text=\(text)"
        guard let url = URL(string: link) else { return }
        openURL(url)
        _ = try? vault.recordEmergencyAction(alertId: alertId, position: action.position, status: .handedToOs)
    }

    @ViewBuilder private func statusSection(_ status: CheckInStatus) -> some View {
        Section {
            switch status.state {
            case .off: Text("checkin.stateOff", tableName: "CheckIn", bundle: .module).font(.headline)
            case .waiting: Text("checkin.stateWaiting", tableName: "CheckIn", bundle: .module).font(.headline)
            case .inGrace: Text("checkin.stateInGrace", tableName: "CheckIn", bundle: .module).font(.headline)
            case .missed: Text("checkin.stateMissed", tableName: "CheckIn", bundle: .module).font(.headline)
            }
            if status.state != .off {
                if let every = status.everyMinutes {
                    Text(verbatim: String(format: String(localized: "checkin.every", table: "CheckIn", bundle: .module), Int64(every / 60)))
                } else {
                    Text("checkin.once", tableName: "CheckIn", bundle: .module)
                }
                if let due = status.dueAt {
                    Text(verbatim: String(format: String(localized: "checkin.due", table: "CheckIn", bundle: .module), phoneTime(due)))
                }
                if let alert = status.alertAt {
                    Text(verbatim: String(format: String(localized: "checkin.alertAt", table: "CheckIn", bundle: .module), phoneTime(alert)))
                }
                Text(verbatim: String(format: String(localized: "checkin.grace", table: "CheckIn", bundle: .module), Int64(status.graceMinutes)))
            }
        }
    }

    @ViewBuilder private var setUpSection: some View {
        Section(header: Text("checkin.setup", tableName: "CheckIn", bundle: .module)) {
            TextField(String(localized: "checkin.graceMinutes", table: "CheckIn", bundle: .module), text: $graceMinutes).numberPad()
            Picker(selection: $kind) {
                ForEach(Array(kinds.enumerated()), id: \.offset) { _, entry in
                    Text(entry.1, bundle: .module).tag(entry.0)
                }
            } label: { Text("checkin.kind", tableName: "CheckIn", bundle: .module) }
            TextField(String(localized: "checkin.hours", table: "CheckIn", bundle: .module), text: $hours).numberPad()
            Button { setEvery() } label: { Text("checkin.setEvery", tableName: "CheckIn", bundle: .module) }
            DatePicker(selection: $once, in: Date()...) { Text("checkin.time", tableName: "CheckIn", bundle: .module) }
            Button { setOnce() } label: { Text("checkin.setOnce", tableName: "CheckIn", bundle: .module) }
        }
    }

    /// Opening the screen is a wake-up too: a missed check-in's alert is queued now (once).
    private func load() {
        do {
            let poll = try vault.pollCheckIn(location: nil, locale: locale)
            show(poll.status)
            if let alert = poll.queued { queued = alert }
        } catch {
            refusal = Refusal(error, locale: locale)
            canSetUp = vault.isUnlocked()
        }
    }

    /// A number that does not parse goes to the core out of range, so the refusal names the field.
    private func number(_ text: String) -> UInt32 {
        UInt32(text.trimmingCharacters(in: .whitespaces)) ?? UInt32.max
    }

    private func setEvery() {
        let hoursTyped = number(hours)
        let minutes = hoursTyped > UInt32.max / 60 ? UInt32.max : hoursTyped * 60
        setUp(CheckInRequest(schedule: .every(minutes: minutes), graceMinutes: number(graceMinutes), kind: kind))
    }

    private func setOnce() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        setUp(CheckInRequest(schedule: .once(dueAt: formatter.string(from: once)), graceMinutes: number(graceMinutes), kind: kind))
    }

    private func setUp(_ request: CheckInRequest) {
        do {
            show(try vault.setCheckIn(request: request))
            // A check-in runs: the background refresh polls it (CheckInWakeUp), and its
            // reminder needs the person's yes to notifications, asked now, not before.
            CheckInWakeUp.schedule()
            CheckInWakeUp.askForNotifications()
        } catch {
            refusal = Refusal(error, locale: locale)
            answered = false
        }
    }

    /// "I am safe" or stop, with the PIN; a wrong one is the core's typed refusal (counted).
    private func answer(cancel: Bool) {
        let typed = pin
        pin = ""
        do {
            let after: CheckInStatus
            if cancel {
                after = try vault.cancelCheckIn(pin: typed)
            } else {
                after = try vault.checkInDone(pin: typed)
            }
            show(after)
            answered = !cancel
        } catch {
            refusal = Refusal(error, locale: locale)
            answered = false
        }
    }

    private func show(_ shown: CheckInStatus) {
        status = shown
        refusal = nil
        answered = false
        canSetUp = vault.isUnlocked()
        if shown.state == .off { CheckInWakeUp.stop() }
    }

    /// The core's RFC 3339 time on the phone's clock.
    private func phoneTime(_ instant: String) -> String {
        let parser = ISO8601DateFormatter()
        guard let date = parser.date(from: instant) else { return instant }
        return date.formatted(date: .abbreviated, time: .shortened)
    }
}
