package id.migranemas.core

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** Consent, the actor, the audit log and the person's export, through the Kotlin bindings. */
class ConsentAuditTest {
    private fun everything(page: PageRequest = ALL) = AuditQuery(personId = null, from = null, to = null, page = page)

    private fun about(personId: String) = AuditQuery(personId = personId, from = null, to = null, page = ALL)

    @Test
    fun `registration records its consent, the family view needs its own, and a withdrawal closes it again`(): Unit =
        newVault().use { vault ->
            vault.setActor(CADRE)
            val siti = vault.addPerson(fakePerson("Siti Contoh", 2))
            val today = siti.createdAt.substring(0, 10)
            assertEquals(
                listOf(
                    ConsentStatus(ConsentPurpose.REGISTRATION, ConsentState.GIVEN, today),
                    ConsentStatus(ConsentPurpose.SHARE_WITH_FAMILY, ConsentState.NOT_ASKED, null),
                    ConsentStatus(ConsentPurpose.SHARE_WITH_AGENCIES, ConsentState.NOT_ASKED, null),
                    ConsentStatus(ConsentPurpose.REPORTING, ConsentState.NOT_ASKED, null),
                ),
                vault.consents(siti.id),
            )

            val missing = assertThrows<MigranException.NotAllowed> { vault.familyChecklist(siti.id, Locale.EN) }
            assertEquals(NotAllowedReason.ConsentMissing(ConsentPurpose.SHARE_WITH_FAMILY), missing.reason)
            assertEquals(
                "Not allowed: this person has not given consent for sharing with family. Ask for it and record it first.",
                errorMessage(missing, Locale.EN),
            )

            val given = vault.recordConsent(
                siti.id,
                consent(ConsentPurpose.SHARE_WITH_FAMILY, date = "2026-01-15", note = "Formulir ditandatangani"),
            )
            assertTrue(given.given)
            assertEquals("2026-01-15", given.date)
            assertEquals(siti.id, given.personId)
            assertEquals(Actor("Kader Contoh", ActorRole.CADRE), given.recordedBy)
            assertEquals("Siti", vault.familyChecklist(siti.id, Locale.EN).firstName)

            vault.recordConsent(siti.id, consent(ConsentPurpose.SHARE_WITH_FAMILY, given = false, date = "2026-02-01"))
            val withdrawn = assertThrows<MigranException.NotAllowed> { vault.familyChecklist(siti.id, Locale.EN) }
            assertEquals(NotAllowedReason.ConsentWithdrawn(ConsentPurpose.SHARE_WITH_FAMILY), withdrawn.reason)
            assertEquals(
                ConsentStatus(ConsentPurpose.SHARE_WITH_FAMILY, ConsentState.WITHDRAWN, "2026-02-01"),
                vault.consents(siti.id)[1],
            )

            // A consent is never dated in the future, nor recorded for nobody.
            val future = assertThrows<MigranException.Invalid> {
                vault.recordConsent(siti.id, consent(ConsentPurpose.REPORTING, date = futureDay()))
            }
            assertEquals("date", future.field)
            assertEquals(InvalidReason.OUT_OF_RANGE, future.reason)
            assertEquals(RecordKind.PERSON, assertThrows<MigranException.NotFound> { vault.recordConsent("nobody", consent(ConsentPurpose.REPORTING)) }.kind)
            assertEquals(ConsentState.NOT_ASKED, vault.consents(siti.id)[3].state)

            // The history is ordered by the date of each change, not by when it was typed in.
            val history = vault.consentHistory(siti.id)
            assertEquals(
                listOf(
                    ConsentPurpose.SHARE_WITH_FAMILY to true,
                    ConsentPurpose.SHARE_WITH_FAMILY to false,
                    ConsentPurpose.REGISTRATION to true,
                ),
                history.map { it.purpose to it.given },
            )
            assertEquals(listOf("2026-01-15", "2026-02-01", today), history.map { it.date })
            assertEquals(listOf("Formulir ditandatangani", null, null), history.map { it.note })
            assertTrue(history.all { it.personId == siti.id && it.recordedBy == Actor("Kader Contoh", ActorRole.CADRE) })
        }

    @Test
    fun `while registration is withdrawn nothing new is recorded, yet the person can still take their data`(): Unit =
        newVault().use { vault ->
            val siti = vault.addPerson(fakePerson("Siti Contoh", 2))
            vault.recordConsent(siti.id, consent(ConsentPurpose.REGISTRATION, given = false))
            val visit = VisitInput("2026-01-10", "Kader Contoh", emptyList(), listOf(VisitTopic.SAFE_MIGRATION), null, emptyList(), null)
            val refused = assertThrows<MigranException.NotAllowed> { vault.addVisit(siti.id, visit) }
            assertEquals(NotAllowedReason.ConsentWithdrawn(ConsentPurpose.REGISTRATION), refused.reason)
            val noCase = assertThrows<MigranException.NotAllowed> {
                vault.openCase(siti.id, CaseInput(CaseType.ABUSE, "Uraian contoh", Reporter.FAMILY, null))
            }
            assertEquals(NotAllowedReason.ConsentWithdrawn(ConsentPurpose.REGISTRATION), noCase.reason)
            assertTrue(vault.listVisits(siti.id).isEmpty())
            assertEquals("Siti Contoh", parseJson(vault.exportPerson(siti.id)).field("person").field("full_name"))

            vault.recordConsent(siti.id, consent(ConsentPurpose.REGISTRATION))
            vault.addVisit(siti.id, visit)
            assertEquals(1, vault.listVisits(siti.id).size)
            assertEquals(listOf(true, false, true), vault.consentHistory(siti.id).map { it.given })
        }

    @Test
    fun `the consent texts are read out in both languages, one per purpose`() {
        for (locale in Locale.entries) {
            val texts = ConsentPurpose.entries.map { consentText(it, locale) }
            assertEquals(ConsentPurpose.entries.size, texts.toSet().size, "$locale: $texts")
            assertTrue(texts.all { it.length > 40 }, "$locale: $texts")
        }
        assertNotEquals(consentText(ConsentPurpose.REGISTRATION, Locale.ID), consentText(ConsentPurpose.REGISTRATION, Locale.EN))
        assertTrue(consentText(ConsentPurpose.REPORTING, Locale.EN).contains("no names"))
        assertTrue(consentText(ConsentPurpose.SHARE_WITH_AGENCIES, Locale.ID).contains("Disnaker"))
        assertTrue(consentText(ConsentPurpose.SHARE_WITH_FAMILY, Locale.ID).contains("Keluarga"))
    }

    @Test
    fun `the actor is named in every entry until the vault is locked`() {
        val dir = tempVaultDir()
        val secret = newDeviceSecret()
        newVault(dir, secret).use { vault ->
            assertNull(vault.currentActor())
            val blank = assertThrows<MigranException.Invalid> { vault.setActor(ActorInput("  ", ActorRole.CADRE)) }
            assertEquals("actor_name", blank.field)
            vault.setActor(CADRE)
            assertEquals(Actor("Kader Contoh", ActorRole.CADRE), vault.currentActor())
            val officer = ActorInput("Pak Kades Contoh", ActorRole.VILLAGE_OFFICER)
            vault.setActor(officer)
            assertEquals(Actor(officer.name, officer.role), vault.currentActor())
            val siti = vault.addPerson(fakePerson("Siti Contoh", 2))

            vault.lock()
            assertNull(vault.currentActor(), "the actor is forgotten on lock")
            assertThrows<MigranException.Locked> { vault.setActor(CADRE) }
            vault.unlock(PIN)
            assertNull(vault.currentActor(), "nor remembered after unlock")
            vault.getPerson(siti.id)

            val entries = vault.auditLog(about(siti.id)).items
            val created = entries.single { it.action == AuditAction.CREATE && it.kind == RecordKind.PERSON }
            assertEquals(Actor("Pak Kades Contoh", ActorRole.VILLAGE_OFFICER), created.actor)
            val read = entries.single { it.action == AuditAction.READ && it.kind == RecordKind.PERSON }
            assertNull(read.actor)
        }
        // The handle reopened from disk starts without an actor too.
        Vault.open(dir.toString(), secret).use { vault ->
            vault.unlock(PIN)
            assertNull(vault.currentActor())
        }
    }

    @Test
    fun `every access to personal data is in the audit log, with who and when but never a value`(): Unit =
        newVault().use { vault ->
            vault.setActor(CADRE)
            val siti = vault.addPerson(fakePerson("Siti Contoh", 2))
            val budi = vault.addPerson(fakePerson("Budi Contoh", 1))
            vault.getPerson(siti.id)
            vault.addContact(siti.id, ContactInput("Ibu Rahasia Contoh", Relation.PARENT, "081211112222", null))
            val case = vault.openCase(
                siti.id,
                CaseInput(CaseType.TRAFFICKING_SUSPICION, "Uraian rahasia kasus", Reporter.MIGRANT, null),
            )
            vault.getCase(case.id)
            vault.recordConsent(siti.id, consent(ConsentPurpose.REPORTING, note = "Catatan rahasia persetujuan"))
            vault.villageReport(ReportRequest(null, null))
            // Reads cost no commit: their entries wait in memory until the next write or the lock.

            val aboutSiti = vault.auditLog(about(siti.id))
            val seen = aboutSiti.items.map { it.action to it.kind }
            for (wanted in listOf(
                AuditAction.CREATE to RecordKind.PERSON,
                AuditAction.CREATE to RecordKind.CONSENT,
                AuditAction.READ to RecordKind.PERSON,
                AuditAction.CREATE to RecordKind.CONTACT,
                AuditAction.CREATE to RecordKind.CASE,
                AuditAction.READ to RecordKind.CASE,
            )) {
                assertTrue(wanted in seen, "$wanted missing from $seen")
            }
            assertTrue(aboutSiti.items.any { it.action == AuditAction.READ && it.kind == RecordKind.CASE && it.recordId == case.id })
            assertTrue(
                aboutSiti.items.all { it.personId == siti.id && it.actor == Actor("Kader Contoh", ActorRole.CADRE) && !it.subjectErased },
                "$aboutSiti",
            )
            assertEquals(aboutSiti.items.size.toUInt(), aboutSiti.total)
            assertNull(aboutSiti.nextOffset)

            val all = vault.auditLog(everything())
            assertTrue(all.total > aboutSiti.total)
            assertTrue(all.items.any { it.personId == budi.id })
            // The report names nobody; it counts Siti, the only one with the reporting consent.
            val report = all.items.single { it.action == AuditAction.REPORT }
            assertEquals(RecordKind.VILLAGE_REPORT, report.kind)
            assertNull(report.personId)
            assertNull(report.recordId)
            assertEquals(1u, report.count)
            // Viewing the log is itself logged.
            assertTrue(all.items.any { it.action == AuditAction.VIEW_AUDIT && it.kind == RecordKind.AUDIT_LOG && it.count == aboutSiti.total })

            // Pages follow one another.
            val first = vault.auditLog(everything(PageRequest(0u, 2u)))
            assertEquals(2, first.items.size)
            assertEquals(2u, first.nextOffset)
            val second = vault.auditLog(everything(PageRequest(2u, 2u)))
            assertEquals(all.items.subList(2, 4).map { it.id }, second.items.map { it.id })
            assertEquals("limit", assertThrows<MigranException.Invalid> { vault.auditLog(everything(PageRequest(0u, 0u))) }.field)

            // Periods: whole days, inclusive; a reversed one is refused.
            assertEquals(0u, vault.auditLog(AuditQuery(null, futureDay(), null, ALL)).total)
            assertEquals(0u, vault.auditLog(AuditQuery(null, null, "2026-01-01", ALL)).total)
            val sinceJanuary = vault.auditLog(AuditQuery(null, "2026-01-01", null, ALL)).total
            assertEquals(sinceJanuary + 1u, vault.auditLog(everything()).total, "the view just before is the only new entry")
            val reversed = assertThrows<MigranException.Invalid> { vault.auditLog(AuditQuery(null, "2026-06-30", "2026-01-01", ALL)) }
            assertEquals("to", reversed.field)
            assertEquals(InvalidReason.INCONSISTENT, reversed.reason)
            assertEquals("from", assertThrows<MigranException.Invalid> { vault.auditLog(AuditQuery(null, "30/06/2026", null, ALL)) }.field)

            // Exports: JSON and CSV of the same entries.
            val total = vault.auditLog(everything()).total.toInt()
            val json = vault.exportAuditLog(null, null, ExportFormat.JSON)
            val entries = parseJson(json).items()
            assertEquals(total + 1, entries.size, "every entry, and the view just before")
            // Stored codes, as in the CSV: never Rust variant names.
            val created = entries.first { it.field("action") == "create" && it.field("kind") == "person" }
            assertEquals("Kader Contoh", created.field("actor").field("name"))
            assertEquals("cadre", created.field("actor").field("role"))
            assertEquals(siti.id, created.field("person_id"))
            val csv = vault.exportAuditLog(null, null, ExportFormat.CSV)
            assertTrue(csv.startsWith("at,actor_role,actor_name,action,kind,record_id,person_id,count,subject_erased\r\n"), csv)
            val lines = csv.split("\r\n").filter { it.isNotEmpty() }
            assertEquals(1 + total + 2, lines.size, "header, the entries, the view and the JSON export")
            assertTrue(lines.any { it.endsWith(",cadre,Kader Contoh,create,person,${siti.id},${siti.id},,false") }, csv)
            assertTrue(lines.any { it.contains(",cadre,Kader Contoh,report,village_report,,,1,false") }, csv)
            assertEquals(
                "at,actor_role,actor_name,action,kind,record_id,person_id,count,subject_erased\r\n",
                vault.exportAuditLog(futureDay(), null, ExportFormat.CSV),
            )
            assertEquals("to", assertThrows<MigranException.Invalid> { vault.exportAuditLog("2026-06-30", "2026-01-01", ExportFormat.JSON) }.field)

            // Who and what kind, never a value: no name, NIK, phone, address, note or case detail.
            val secrets = listOf(
                "Siti Contoh", "Budi Contoh", siti.nik, budi.nik, "81200000002", "81200000001", "Dusun Contoh",
                "Ibu Rahasia", "81211112222", "Uraian rahasia", "Catatan rahasia", "TRAFFICKING", "Trafficking",
            )
            for (text in listOf(json, csv, all.toString())) {
                for (secret in secrets) assertFalse(text.contains(secret), "$secret in the audit log")
            }
        }

    @Test
    fun `the person's export holds everything about them and nothing about anyone else`(): Unit =
        newVault().use { vault ->
            vault.setActor(CADRE)
            val siti = vault.addPerson(fakePerson("Siti Contoh", 2))
            val budi = vault.addPerson(fakePerson("Budi Contoh", 1))
            vault.addContact(siti.id, ContactInput("Ibu Contoh", Relation.PARENT, null, null))
            vault.setJourney(siti.id, JourneyInput(Phase.ABROAD, "MY", Sector.DOMESTIC_WORK, null, null, null, null, "2026-02-10", null))
            vault.recordConsent(siti.id, consent(ConsentPurpose.SHARE_WITH_AGENCIES, date = "2026-02-01"))
            vault.addVisit(
                siti.id,
                VisitInput(
                    "2026-01-10", null, listOf("Ibu Contoh"), listOf(VisitTopic.REMITTANCES), "Rumah rapi",
                    listOf(VisitFollowUpInput("Cek kontrak kerja", "2026-01-20")), null,
                ),
            )
            val case = vault.openCase(siti.id, CaseInput(CaseType.UNPAID_WAGES, "Gaji belum dibayar", Reporter.FAMILY, "2026-03-01"))
            vault.referCase(case.id, ReferralInput(Agency.KBRI, "KBRI Kuala Lumpur", "2026-03-02", null))
            val returned = vault.recordReturn(
                siti.id,
                ReturnInput("2026-04-20", ReturnReason.CASE, case.id, null, listOf(ReintegrationNeed.LEGAL), null, null),
            )
            vault.addReintegrationService(returned.id, ServiceInput(ServiceKind.LEGAL_AID, "2026-04-25", "LBH Contoh", null))
            vault.openCase(budi.id, CaseInput(CaseType.ABUSE, "Kasus orang lain", Reporter.MIGRANT, null))

            val text = vault.exportPerson(siti.id)
            val doc = parseJson(text)
            assertEquals("migran-person-export/1", doc.field("format"))
            assertEquals("Siti Contoh", doc.field("person").field("full_name"))
            assertEquals(siti.nik, doc.field("person").field("nik"))
            assertEquals("Ibu Contoh", doc.field("contacts").item(0).field("name"))
            assertEquals("returned", doc.field("journey").field("phase"))
            assertEquals("MY", doc.field("journey").field("destination_country"))
            assertEquals(
                listOf("share_with_agencies", "registration"),
                doc.field("consents").items().map { it.field("purpose") },
            )
            val visit = doc.field("visits").item(0)
            assertEquals("Rumah rapi", visit.field("observations"))
            assertEquals("Kader Contoh", visit.field("cadre"), "the actor visited")
            assertEquals("Cek kontrak kerja", visit.field("follow_ups").item(0).field("action"))
            val exportedCase = doc.field("cases").items().single()
            assertEquals("Gaji belum dibayar", exportedCase.field("case").field("description"))
            assertEquals("opened", exportedCase.field("timeline").item(0).field("change"))
            assertEquals("kbri", exportedCase.field("referrals").item(0).field("agency"))
            val exportedReturn = doc.field("returns").items().single()
            assertEquals("case", exportedReturn.field("reason"))
            assertEquals(case.id, exportedReturn.field("case_id"))
            assertEquals("legal_aid", exportedReturn.field("services").item(0).field("kind"))
            assertTrue(doc.field("checklist") is Map<*, *>)
            assertTrue(doc.field("screening").field("screenings").items().isEmpty())
            val audit = doc.field("audit").items()
            assertTrue(audit.size >= 8, "${audit.size}")
            assertTrue(audit.all { it.field("person_id") == siti.id })
            assertTrue(audit.any { it.field("action") == "create" && it.field("kind") == "return" })
            // Nobody else.
            for (other in listOf("Budi Contoh", budi.id, budi.nik, "Kasus orang lain")) assertFalse(text.contains(other), other)

            // The export itself is in the log; an unknown person is not found.
            assertTrue(
                vault.auditLog(about(siti.id)).items.any {
                    it.action == AuditAction.EXPORT && it.kind == RecordKind.PERSON && it.recordId == siti.id
                },
            )
            assertEquals(RecordKind.PERSON, assertThrows<MigranException.NotFound> { vault.exportPerson("nobody") }.kind)
        }
}
