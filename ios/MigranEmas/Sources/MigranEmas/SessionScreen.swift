import MigranCore
import SwiftUI

/// The information session (sosialisasi) form, like the Android `SessionActivity`: date,
/// place, topics from the lessons, facilitators with their organisation, the registered
/// persons who attended (ticked from the register), everyone else only as counts by sex
/// and age group, and the follow-ups. The core checks it; below, the sessions held.
struct SessionScreen: View {
    let vault: Vault
    let locale: MigranCore.Locale
    @State private var date = todayText()
    @State private var place = ""
    @State private var lessons: [LessonSummary] = []
    @State private var topics: Set<String> = []
    @State private var facilitators: [FacilitatorRow] = [FacilitatorRow()]
    @State private var persons: [Person] = []
    @State private var attendees: Set<String> = []
    @State private var guests: [GuestGroup: String] = [:]
    @State private var followUps = ""
    @State private var sessions: [InfoSession] = []
    @State private var saved = false
    @State private var refusal: Refusal?

    struct FacilitatorRow: Identifiable {
        let id = UUID()
        var name = ""
        var organisation: FacilitatorOrganisation = .village
    }

    struct GuestGroup: Hashable {
        let sex: Sex
        let ageGroup: AgeGroup
    }

    private let groups: [GuestGroup] = [Sex.female, Sex.male].flatMap { sex in
        [AgeGroup.under18, .adult, .older].map { GuestGroup(sex: sex, ageGroup: $0) }
    }

    var body: some View {
        Form {
            RefusalText(refusal: refusal)
            if saved { Text("sessions.saved", bundle: .module) }
            TextField(String(localized: "sessions.date", bundle: .module), text: $date)
            TextField(String(localized: "sessions.place", bundle: .module), text: $place)
            Section(header: Text("sessions.topics", bundle: .module)) {
                ForEach(lessons, id: \.id) { lesson in
                    Toggle(lesson.title, isOn: Binding(
                        get: { topics.contains(lesson.id) },
                        set: { on in if on { topics.insert(lesson.id) } else { topics.remove(lesson.id) } }
                    ))
                }
            }
            Section(header: Text("sessions.facilitators", bundle: .module)) {
                ForEach($facilitators) { $row in
                    TextField(String(localized: "sessions.facilitatorName", bundle: .module), text: $row.name)
                    Picker(selection: $row.organisation) {
                        Text("sessions.org.village", bundle: .module).tag(FacilitatorOrganisation.village)
                        Text("sessions.org.bp3mi", bundle: .module).tag(FacilitatorOrganisation.bp3mi)
                        Text("sessions.org.disnaker", bundle: .module).tag(FacilitatorOrganisation.disnaker)
                        Text("sessions.org.ngo", bundle: .module).tag(FacilitatorOrganisation.ngo)
                        Text("sessions.org.communityLeader", bundle: .module).tag(FacilitatorOrganisation.communityLeader)
                    } label: { Text("sessions.organisation", bundle: .module) }
                }
                Button { facilitators.append(FacilitatorRow()) } label: { Text("sessions.addFacilitator", bundle: .module) }
            }
            Section(header: Text("sessions.attendees", bundle: .module)) {
                ForEach(persons, id: \.id) { person in
                    Toggle("\(person.fullName) · \(person.village)", isOn: Binding(
                        get: { attendees.contains(person.id) },
                        set: { on in if on { attendees.insert(person.id) } else { attendees.remove(person.id) } }
                    ))
                }
            }
            Section(header: Text("sessions.guests", bundle: .module)) {
                ForEach(groups, id: \.self) { group in
                    TextField(guestLabel(group), text: Binding(
                        get: { guests[group] ?? "" },
                        set: { guests[group] = $0 }
                    ))
                    .numberPad()
                }
            }
            TextField(String(localized: "sessions.followUps", bundle: .module), text: $followUps, axis: .vertical)
            Button { save() } label: { Text("common.save", bundle: .module) }
            Section(header: Text("sessions.held", bundle: .module)) {
                ForEach(sessions, id: \.id) { session in
                    Text(([session.date, session.place, session.topics.joined(separator: ", "), String(session.attendees.count + Int(session.guests.reduce(0) { $0 + $1.count }))]).joined(separator: " · "))
                }
            }
        }
        .navigationTitle(Text("sessions.title", bundle: .module))
        .emergencyButton(vault: vault, locale: locale)
        .onAppear(perform: load)
    }

    private func guestLabel(_ group: GuestGroup) -> String {
        let sex = group.sex == .female
            ? String(localized: "add.female", bundle: .module)
            : String(localized: "add.male", bundle: .module)
        let age: String
        switch group.ageGroup {
        case .under18: age = String(localized: "sessions.age.under18", bundle: .module)
        case .adult: age = String(localized: "sessions.age.adult", bundle: .module)
        case .older: age = String(localized: "sessions.age.older", bundle: .module)
        }
        return "\(sex), \(age)"
    }

    private func save() {
        let input = InfoSessionInput(
            date: date, place: place, topics: Array(topics),
            facilitators: facilitators
                .filter { !$0.name.trimmingCharacters(in: .whitespaces).isEmpty }
                .map { Facilitator(name: $0.name.trimmingCharacters(in: .whitespaces), organisation: $0.organisation) },
            attendees: Array(attendees),
            guests: groups.compactMap { group in
                guard let count = UInt32(guests[group]?.trimmingCharacters(in: .whitespaces) ?? ""), count > 0 else { return nil }
                return GuestCount(sex: group.sex, ageGroup: group.ageGroup, count: count)
            },
            followUps: followUps.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        )
        do {
            _ = try vault.addInfoSession(input: input)
            place = ""; followUps = ""; guests = [:]; attendees = []; topics = []
            saved = true
            load()
        } catch {
            saved = false
            refusal = Refusal(error, locale: locale)
        }
    }

    private func load() {
        do {
            lessons = try vault.lessons(locale: locale)
            persons = try vault.listPersons(page: PageRequest(offset: 0, limit: 200), includeArchived: false).items
            sessions = try vault.listInfoSessions(from: nil, to: nil)
            refusal = nil
        } catch {
            refusal = Refusal(error, locale: locale)
        }
    }
}
