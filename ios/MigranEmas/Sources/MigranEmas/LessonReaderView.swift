import AVFoundation
import MigranCore
import SwiftUI

/// The phone's own speech (AVSpeechSynthesizer), reading the text the core made
/// speakable (abbreviations expanded, phone numbers digit by digit). No audio files.
final class LessonSpeaker: ObservableObject {
    private let synthesizer = AVSpeechSynthesizer()

    func read(_ text: String, locale: MigranCore.Locale) {
        synthesizer.stopSpeaking(at: .immediate)
        let utterance = AVSpeechUtterance(string: text)
        utterance.voice = AVSpeechSynthesisVoice(language: locale == .en ? "en-US" : "id-ID")
        synthesizer.speak(utterance)
    }

    func stop() {
        synthesizer.stopSpeaking(at: .immediate)
    }
}

/// The lessons, offline: the list, and a lesson with its sources, the directory's numbers,
/// the check questions and a "read aloud" button. Works on a locked vault.
public struct LessonListView: View {
    let vault: Vault
    let locale: MigranCore.Locale
    @State private var lessons: [LessonSummary] = []
    @State private var message: String?

    public init(vault: Vault, locale: MigranCore.Locale) {
        self.vault = vault
        self.locale = locale
    }

    public var body: some View {
        List {
            if let message { Text(message).foregroundColor(.red) }
            ForEach(lessons, id: \.id) { lesson in
                NavigationLink(destination: LessonReaderView(vault: vault, locale: locale, lessonId: lesson.id)) {
                    Text(lesson.title)
                }
            }
        }
        .navigationTitle(Text("lessons.title", bundle: .module))
        .onAppear {
            do {
                lessons = try vault.lessons(locale: locale)
                message = nil
            } catch let error as MigranError {
                message = errorMessage(error: error, locale: locale)
            } catch {
                message = String(describing: error)
            }
        }
    }
}

public struct LessonReaderView: View {
    let vault: Vault
    let locale: MigranCore.Locale
    let lessonId: String
    @StateObject private var speaker = LessonSpeaker()
    @State private var lesson: Lesson?
    @State private var message: String?
    @State private var reading = false
    /// Per question, whether the option chosen was right.
    @State private var answers: [Int: Bool] = [:]

    public var body: some View {
        List {
            if let message { Text(message).foregroundColor(.red) }
            if let lesson {
                if reading {
                    Button {
                        speaker.stop()
                        reading = false
                    } label: { Text("lessons.stop", bundle: .module) }
                } else {
                    Button(action: readAloud) { Text("lessons.read_aloud", bundle: .module) }
                }
                Section {
                    ForEach(Array(lesson.statements.enumerated()), id: \.offset) { _, statement in
                        VStack(alignment: .leading) {
                            Text(statement.text)
                            if let date = statement.sourceDate {
                                Text("\(statement.source), \(date)").font(.caption)
                            } else {
                                Text("lessons.needs_source", bundle: .module).font(.caption).foregroundColor(.orange)
                            }
                        }
                    }
                }
                Section(header: Text("lessons.contacts", bundle: .module)) {
                    ForEach(lesson.contacts, id: \.directoryId) { contact in
                        Text("\(contact.label): \(contact.number)")
                    }
                }
                Section(header: Text("lessons.questions", bundle: .module)) {
                    ForEach(Array(lesson.questions.enumerated()), id: \.offset) { index, question in
                        VStack(alignment: .leading) {
                            Text(question.question)
                            if let right = answers[index] {
                                right ? Text("lessons.right", bundle: .module).bold() : Text("lessons.wrong", bundle: .module).bold()
                            }
                            ForEach(Array(question.options.enumerated()), id: \.offset) { option, text in
                                Button(text) { answers[index] = Int(question.answer) == option }
                            }
                        }
                    }
                }
            }
        }
        .navigationTitle(lesson?.title ?? "")
        .onAppear(perform: load)
        .onDisappear {
            speaker.stop()
            reading = false
        }
    }

    private func load() {
        do {
            lesson = try vault.lesson(lessonId: lessonId, locale: locale)
            message = nil
        } catch let error as MigranError {
            message = errorMessage(error: error, locale: locale)
        } catch {
            message = String(describing: error)
        }
    }

    private func readAloud() {
        do {
            speaker.read(try vault.lessonSpeech(lessonId: lessonId, locale: locale), locale: locale)
            reading = true
        } catch let error as MigranError {
            message = errorMessage(error: error, locale: locale)
        } catch {
            message = String(describing: error)
        }
    }
}
