import MigranCore
import SwiftUI

/// The TPPO screening as an interview: one question at a time with yes, no and "don't
/// know" (never taken as safe), then the core's assessment with its flags; saving stores
/// it under the cadre set in the settings and shows the follow-ups it opened.
struct ScreeningScreen: View {
    let vault: Vault
    let locale: MigranCore.Locale
    let personId: String
    @State private var questions: [ScreeningQuestion] = []
    @State private var answers: [String: Answer] = [:]
    @State private var index = 0
    @State private var result: ScreeningResult?
    @State private var saved = false
    @State private var followUps: [FollowUp] = []
    @State private var refusal: Refusal?

    var body: some View {
        List {
            RefusalText(refusal: refusal)
            if result == nil, index < questions.count {
                let question = questions[index]
                Text(String(format: String(localized: "screening.questionOf", bundle: .module), index + 1, questions.count))
                Text(question.text).font(.title2)
                answerButton(.yes, question: question) { Text("screening.yes", bundle: .module) }
                answerButton(.no, question: question) { Text("screening.no", bundle: .module) }
                answerButton(.unknown, question: question) { Text("screening.unknown", bundle: .module) }
                if index > 0 { Button { index -= 1 } label: { Text("common.back", bundle: .module) } }
            }
            if let result {
                Text(String(localized: "screening.level", bundle: .module) + " " + levelWords(result.level)).font(.title2.bold())
                if !result.complete { Text("screening.incomplete", bundle: .module) }
                ForEach(result.unknownQuestions, id: \.self) { id in
                    Text("? " + (questions.first { $0.id == id }?.text ?? id))
                }
                ForEach(result.flags, id: \.id) { flag in
                    VStack(alignment: .leading, spacing: 4) {
                        Text("⚑ " + flag.title.pick(locale) + " (" + levelWords(flag.severity) + ")").font(.headline)
                        Text(flag.explanation.pick(locale))
                        ForEach(Array(flag.reasons.enumerated()), id: \.offset) { _, reason in Text("• " + reason.pick(locale)) }
                        Text(flag.action.pick(locale)).font(.body.bold())
                    }
                }
                if !saved {
                    Button { save() } label: { Text("common.save", bundle: .module) }
                    Button { result = nil; index = questions.count - 1 } label: { Text("common.back", bundle: .module) }
                } else {
                    Text("common.saved", bundle: .module)
                }
            }
            // Open follow-ups of earlier screenings show from the start; a new one after saving.
            ForEach(followUps, id: \.id) { followUp in
                Text(followUp.dueDate + " · " + followUp.reason.pick(locale))
                if !followUp.done {
                    Button { complete(followUp.id) } label: { Text("common.markDone", bundle: .module) }
                }
            }
        }
        .navigationTitle(Text("screening.title", bundle: .module))
        .emergencyButton(vault: vault, locale: locale)
        .onAppear(perform: start)
    }

    private func answerButton(_ answer: Answer, question: ScreeningQuestion, label: () -> Text) -> some View {
        Button {
            answers[question.id] = answer
            index += 1
            if index == questions.count { assess() }
        } label: {
            label().font(.title3) + Text(answers[question.id] == answer ? " ✓" : "")
        }
    }

    private func start() {
        do {
            questions = try screeningQuestions(locale: locale)
            followUps = try vault.listFollowUps(personId: personId)
            refusal = nil
        } catch {
            refusal = Refusal(error, locale: locale)
        }
    }

    private var given: [ScreeningAnswer] { answers.map { ScreeningAnswer(questionId: $0.key, answer: $0.value) } }

    private func assess() {
        do {
            result = try vault.previewScreening(personId: personId, answers: given)
            refusal = nil
        } catch {
            refusal = Refusal(error, locale: locale)
        }
    }

    private func save() {
        do {
            let screenedBy = try vault.currentActor()?.name ?? ""
            let record = try vault.screenPerson(personId: personId, input: ScreeningInput(screenedBy: screenedBy, answers: given))
            result = record.result
            saved = true
            followUps = try vault.listFollowUps(personId: personId)
            refusal = nil
        } catch {
            refusal = Refusal(error, locale: locale)
        }
    }

    private func complete(_ id: String) {
        do {
            try vault.completeFollowUp(followUpId: id)
            followUps = try vault.listFollowUps(personId: personId)
        } catch {
            refusal = Refusal(error, locale: locale)
        }
    }

    private func levelWords(_ level: RiskLevel) -> String {
        switch level {
        case .none: return String(localized: "risk.none", bundle: .module)
        case .low: return String(localized: "risk.low", bundle: .module)
        case .medium: return String(localized: "risk.medium", bundle: .module)
        case .high: return String(localized: "risk.high", bundle: .module)
        case .critical: return String(localized: "risk.critical", bundle: .module)
        }
    }
}
