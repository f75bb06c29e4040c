package id.migranemas.core

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.util.Collections

/**
 * The register in bulk through the Kotlin bindings: a CSV file (its bytes) imported with
 * a progress listener written in Kotlin, every bad row reported by line and field with
 * nothing written, and an export that imports into another vault unchanged.
 * All people are made up (NIK 32010000000000nn, "... Contoh").
 */
class ImportTest {
    private val header = "full_name,nik,birth_date,sex,phone,address,village,consent,consent_date\n"

    private fun nik(n: Int) = "32010000" + n.toString().padStart(8, '0')

    /** One made-up person's row, with registration consent given on 2026-01-15. */
    private fun row(n: Int) =
        "Siti Contoh $n,${nik(n)},1998-04-12,${if (n % 2 == 0) "P" else "L"},0812${n.toString().padStart(8, '0')}," +
            "\"Dusun Contoh, RT ${n.toString().padStart(3, '0')}\",Desa Contoh,ya,2026-01-15\n"

    private fun file(rows: List<String>) = (header + rows.joinToString("")).toByteArray(Charsets.UTF_8)

    private fun invalid(reason: InvalidReason) = ImportProblem.Invalid(reason)

    private fun registered(vault: Vault) = vault.listPersons(ALL, true).total

    /** The progress listener an app would write: it only records what it is told. */
    private class Recorder : ImportListener {
        val calls: MutableList<Triple<ImportStage, UInt, UInt>> = Collections.synchronizedList(mutableListOf())

        override fun onProgress(stage: ImportStage, done: UInt, total: UInt) {
            calls.add(Triple(stage, done, total))
        }
    }

    @Test
    fun `a valid file registers everyone with their consent, audited as one batch`(): Unit = newVault().use { vault ->
        vault.setActor(CADRE)
        val recorder = Recorder()
        val report = vault.importPersonsCsv(file((1..3).map(::row)), ImportOptions(), recorder)
        assertEquals(
            ImportReport(rows = 3u, imported = 3u, withConsent = 3u, skipped = 0u, issues = emptyList(), refused = false, batchId = report.batchId),
            report,
        )
        val batchId = report.batchId ?: throw AssertionError("no batch id in $report")
        assertEquals(3u, registered(vault))

        for (n in 1..3) {
            val found = vault.findPersons(Lookup.Nik(nik(n))).single()
            assertEquals("Siti Contoh $n", found.fullName)
            assertEquals("1998-04-12", found.birthDate)
            assertEquals(if (n % 2 == 0) Sex.FEMALE else Sex.MALE, found.sex)
            assertEquals("+62812" + n.toString().padStart(8, '0'), found.phone)
            assertEquals("Dusun Contoh, RT " + n.toString().padStart(3, '0'), found.address, "the quoted comma is kept")
            assertEquals(
                ConsentStatus(ConsentPurpose.REGISTRATION, ConsentState.GIVEN, "2026-01-15"),
                vault.consents(found.id)[0],
            )
        }

        // The listener, implemented in Kotlin, was called from the core: checking from 0 to
        // 3, then writing from 0 to 3, each stage in order.
        val calls = recorder.calls.toList()
        assertEquals(Triple(ImportStage.CHECKING, 0u, 3u), calls.first())
        assertEquals(Triple(ImportStage.WRITING, 3u, 3u), calls.last())
        assertTrue(Triple(ImportStage.CHECKING, 3u, 3u) in calls, "$calls")
        assertTrue(Triple(ImportStage.WRITING, 0u, 3u) in calls, "$calls")
        assertEquals(calls.sortedWith(compareBy({ it.first.ordinal }, { it.second })), calls, "in order")
        assertTrue(calls.all { it.third == 3u && it.second <= it.third }, "$calls")

        // One audit entry names the batch and its count; none per person.
        val entries = vault.auditLog(AuditQuery(null, null, null, ALL)).items
        val batch = entries.single { it.action == AuditAction.IMPORT }
        assertEquals(RecordKind.PERSON, batch.kind)
        assertEquals(batchId, batch.recordId)
        assertEquals(3u, batch.count)
        assertNull(batch.personId)
        assertEquals(CADRE.name, batch.actor?.name)
        assertTrue(entries.none { it.action == AuditAction.CREATE && it.kind == RecordKind.PERSON }, "$entries")
    }

    @Test
    fun `bad rows are each reported by line and field, and nothing is written`(): Unit = newVault().use { vault ->
        val recorder = Recorder()
        val rows = (1..6).map(::row).toMutableList()
        rows[1] = rows[1].replace(nik(2), "320100000000002") // line 3: 15 digits
        rows[2] = rows[2].replace("1998-04-12", "1998-02-30") // line 4: no such day
        rows[3] = rows[3].replace(",P,", ",X,").replace(",ya,2026-01-15", ",tidak,") // line 5: two problems
        rows[5] = rows[5].replace(nik(6), nik(1)) // line 7: the NIK of line 2
        val report = vault.importPersonsCsv(file(rows), ImportOptions(), recorder)
        assertTrue(report.refused)
        assertEquals(6u, report.rows)
        assertEquals(0u, report.imported)
        assertEquals(0u, report.withConsent)
        assertNull(report.batchId)
        assertEquals(
            listOf(
                ImportIssue(3u, "nik", invalid(InvalidReason.TOO_SHORT)),
                ImportIssue(4u, "birth_date", invalid(InvalidReason.BAD_DATE)),
                ImportIssue(5u, "sex", invalid(InvalidReason.BAD_FORMAT)),
                ImportIssue(5u, "consent", ImportProblem.ConsentMissing),
                ImportIssue(7u, "nik", ImportProblem.DuplicateInFile(firstLine = 2u)),
            ),
            report.issues,
        )
        assertEquals(0u, registered(vault), "nothing is written")
        assertTrue(recorder.calls.none { it.first == ImportStage.WRITING }, "${recorder.calls}")
        assertTrue(vault.auditLog(AuditQuery(null, null, null, ALL)).items.none { it.action == AuditAction.IMPORT })
        // The issues name positions and fields, never a value from the file.
        assertFalse(report.toString().contains("Siti Contoh"), "$report")

        // With skip_invalid the good rows go in and the others are counted as skipped.
        val skipped = vault.importPersonsCsv(file(rows), ImportOptions(skipInvalid = true), null)
        assertFalse(skipped.refused)
        assertEquals(Triple(2u, 4u, 2u), Triple(skipped.imported, skipped.skipped, skipped.withConsent))
        assertEquals(report.issues, skipped.issues)
        assertEquals(listOf("Siti Contoh 1", "Siti Contoh 5"), vault.listPersons(ALL, true).items.map { it.fullName })

        // Rows already in the vault: refused, or skipped when asked.
        val again = file(listOf(row(1), row(7)))
        assertEquals(
            listOf(ImportIssue(2u, "nik", ImportProblem.DuplicateInVault)),
            vault.importPersonsCsv(again, ImportOptions(), null).also { assertTrue(it.refused) }.issues,
        )
        val skipDuplicates = vault.importPersonsCsv(again, ImportOptions(skipDuplicates = true), null)
        assertEquals(Pair(1u, 1u), Pair(skipDuplicates.imported, skipDuplicates.skipped))
        assertEquals(3u, registered(vault))
    }

    @Test
    fun `a listener that throws is not called again and the import carries on`(): Unit =
        newVault().use { vault ->
            // A bug in the app's progress bar must not cost the user their import, nor
            // panic the core: the core stops calling the listener and finishes.
            val calls = mutableListOf<Pair<ImportStage, UInt>>()
            val broken = object : ImportListener {
                override fun onProgress(stage: ImportStage, done: UInt, total: UInt) {
                    calls += stage to done
                    if (stage == ImportStage.WRITING && done > 0u) throw IllegalStateException("a bug in the app's listener")
                }
            }
            // 300 rows: progress comes about every hundredth, so many calls would follow.
            assertEquals(300u, vault.importPersonsCsv(file((1..300).map(::row)), ImportOptions(), broken).imported)
            assertEquals(1, calls.count { (stage, done) -> stage == ImportStage.WRITING && done > 0u }, "$calls")
            assertEquals(ImportStage.WRITING, calls.last().first)
            assertEquals(300u, registered(vault))
            assertTrue(vault.isUnlocked())
        }

    @Test
    fun `the header is checked before any row`(): Unit = newVault().use { vault ->
        val text = "nama,nik,nik,hobi,desa,persetujuan\nSiti Contoh,3201000000000001,1,2,Desa Contoh,ya\n"
        val report = vault.importPersonsCsv(text.toByteArray(), ImportOptions(), null)
        assertTrue(report.refused)
        assertEquals(
            listOf(
                ImportIssue(1u, "nik", ImportProblem.RepeatedColumn(3u)),
                ImportIssue(1u, "header", ImportProblem.UnknownColumn(4u)),
                ImportIssue(1u, "birth_date", ImportProblem.MissingColumn),
                ImportIssue(1u, "sex", ImportProblem.MissingColumn),
            ),
            report.issues,
        )
        // A row with too few fields, and a quote that is never closed.
        val short = file(listOf(row(1), "Siti Contoh,3201000000000002\n", "\"Budi Contoh,3201000000000003\n"))
        assertEquals(
            listOf(
                ImportIssue(3u, "row", ImportProblem.FieldCount(expected = 9u, found = 2u)),
                ImportIssue(4u, "full_name", ImportProblem.UnclosedQuote),
            ),
            vault.importPersonsCsv(short, ImportOptions(), null).issues,
        )
        assertEquals(0u, registered(vault))
    }

    @Test
    fun `a file with a byte order mark, semicolons and Indonesian headers is read`(): Unit = newVault().use { vault ->
        val text = "\uFEFFNama Lengkap;NIK;Tanggal Lahir;Jenis Kelamin;No. HP;Alamat;Desa;Persetujuan;Tanggal Persetujuan\r\n" +
            "\"Siti \"\"Ina\"\" Contoh\";3201 0000 0000 0001;1998-04-12;perempuan;0812-0000-0001;\"Dusun Contoh; RT 001\";Desa Contoh;ya;2026-01-15\r\n" +
            "\r\n" +
            "Budi Contoh;3201000000000002;1990-01-01;L;;;Desa Contoh;YA;\r\n"
        val report = vault.importPersonsCsv(text.toByteArray(Charsets.UTF_8), ImportOptions(), null)
        assertEquals(emptyList<ImportIssue>(), report.issues)
        assertEquals(Pair(2u, 2u), Pair(report.rows, report.imported))
        val siti = vault.findPersons(Lookup.Nik("3201000000000001")).single()
        assertEquals("Siti \"Ina\" Contoh", siti.fullName)
        assertEquals("+6281200000001", siti.phone)
        assertEquals("Dusun Contoh; RT 001", siti.address)
        val budi = vault.findPersons(Lookup.Nik("3201000000000002")).single()
        assertNull(budi.phone)
        assertEquals(todayUtc(), vault.consentHistory(budi.id).single().date, "consent given without a date: the import day")
    }

    @Test
    fun `registration consent is recorded only when the file says it was given`(): Unit = newVault().use { vault ->
        val rows = listOf(row(1), row(2).replace(",ya,2026-01-15", ",tidak,"))
        assertEquals(
            listOf(ImportIssue(3u, "consent", ImportProblem.ConsentMissing)),
            vault.importPersonsCsv(file(rows), ImportOptions(), null).issues,
        )
        val report = vault.importPersonsCsv(file(rows), ImportOptions(withoutConsent = true), null)
        assertEquals(Pair(2u, 1u), Pair(report.imported, report.withConsent))
        val ani = vault.findPersons(Lookup.Nik(nik(2))).single()
        assertEquals(ConsentState.NOT_ASKED, vault.consents(ani.id)[0].state)
        // Nothing new is recorded about her until the cadre has asked: a typed refusal.
        val refused = assertThrows<MigranException.NotAllowed> {
            vault.setJourney(ani.id, JourneyInput(Phase.PROSPECTIVE, null, null, null, null, null, null, null, null))
        }
        assertEquals(NotAllowedReason.ConsentMissing(ConsentPurpose.REGISTRATION), refused.reason)
        vault.recordConsent(ani.id, consent(ConsentPurpose.REGISTRATION))
        assertEquals(Phase.PROSPECTIVE, vault.setJourney(ani.id, JourneyInput(Phase.PROSPECTIVE, null, null, null, null, null, null, null, null)).phase)
    }

    @Test
    fun `a file that cannot be read at all is refused whole, naming the file`(): Unit = newVault().use { vault ->
        for (empty in listOf("", "\uFEFF", "\n\n")) {
            val refused = assertThrows<MigranException.Invalid> { vault.importPersonsCsv(empty.toByteArray(), ImportOptions(), null) }
            assertEquals("file", refused.field)
            assertEquals(InvalidReason.EMPTY, refused.reason)
        }
        // "Unicode text" from a spreadsheet is UTF-16: refused, to be saved as CSV UTF-8.
        val utf16 = assertThrows<MigranException.Invalid> {
            vault.importPersonsCsv(byteArrayOf(0xFF.toByte(), 0xFE.toByte()) + header.toByteArray(Charsets.UTF_16LE), ImportOptions(), null)
        }
        assertEquals("file", utf16.field)
        assertEquals(InvalidReason.BAD_FORMAT, utf16.reason)
        assertEquals("Isian 'berkas' tidak sah: bentuknya tidak sesuai.", errorMessage(utf16, Locale.ID))
        // A row in Windows-1252 names its field.
        val latin1 = file(listOf(row(1))) + "Jos\u00E9 Contoh,${nik(2)},1990-01-01,L,,,Desa Contoh,ya,\n".toByteArray(Charsets.ISO_8859_1)
        assertEquals(
            listOf(ImportIssue(3u, "full_name", invalid(InvalidReason.BAD_CHARACTERS))),
            vault.importPersonsCsv(latin1, ImportOptions(), null).issues,
        )
        assertEquals(0u, registered(vault))
    }

    @Test
    fun `an export imports into another vault unchanged`() {
        val rows = (1..6).map(::row).toMutableList()
        rows[0] = "\"=HYPERLINK(\"\"x\"\")\",${nik(1)},1998-04-12,P,,\"Dusun \"\"Baru\"\"\nRT 1\",Desa Contoh,ya,2025-12-01\n"
        rows[1] = row(2).replace(",ya,2026-01-15", ",,")
        val source = newVault()
        val target = newVault()
        source.use {
            target.use {
                source.setActor(CADRE)
                assertEquals(6u, source.importPersonsCsv(file(rows), ImportOptions(withoutConsent = true), null).imported)
                val archived = source.findPersons(Lookup.Nik(nik(3))).single()
                source.setPersonArchived(archived.id, true)

                val active = source.exportPersonsCsv(CsvExportOptions(separator = CsvSeparator.COMMA))
                assertTrue(active.startsWith("\uFEFF" + header.trimEnd('\n') + "\r\n"), active)
                assertFalse(active.contains(nik(3)), "archived persons are left out by default")
                assertTrue(active.contains("'=HYPERLINK"), "a formula is defused")
                assertTrue(active.contains(",'+6281200000004,"), "a phone number stays text")
                assertTrue(active.contains("Siti Contoh 2,${nik(2)},1998-04-12,female,'+6281200000002,"), active)
                assertTrue(active.contains(",no,\r\n"), "Siti 2 gave no consent: $active")
                assertTrue(active.contains(",yes,2025-12-01\r\n"), active)

                val everyone = source.exportPersonsCsv(CsvExportOptions(includeArchived = true, separator = CsvSeparator.SEMICOLON))
                assertTrue(everyone.startsWith("\uFEFFfull_name;nik;birth_date;sex;phone;address;village;consent;consent_date\r\n"))
                assertTrue(everyone.contains(nik(3)))
                val exports = source.auditLog(AuditQuery(null, null, null, ALL)).items
                    .filter { it.action == AuditAction.EXPORT && it.kind == RecordKind.PERSON && it.personId == null }
                assertEquals(listOf<UInt?>(5u, 6u), exports.map { it.count })

                val report = target.importPersonsCsv(everyone.toByteArray(Charsets.UTF_8), ImportOptions(withoutConsent = true), null)
                assertEquals(emptyList<ImportIssue>(), report.issues)
                assertEquals(Pair(6u, 5u), Pair(report.imported, report.withConsent))
                fun key(p: Person) = listOf(p.fullName, p.nik, p.birthDate, p.sex, p.phone, p.address, p.village)
                val before = source.listPersons(ALL, true).items.map(::key)
                assertEquals(before, target.listPersons(ALL, true).items.map(::key))
                assertEquals("=HYPERLINK(\"x\")", before[0][0])
                assertEquals("Dusun \"Baru\"\nRT 1", before[0][5])
                val first = target.findPersons(Lookup.Nik(nik(1))).single()
                assertEquals("2025-12-01", target.consentHistory(first.id).single().date)
                val second = target.findPersons(Lookup.Nik(nik(2))).single()
                assertTrue(target.consentHistory(second.id).isEmpty())
            }
        }
    }

    @Test
    fun `issues are said in both languages, without the values`() {
        val short = ImportIssue(12u, "nik", ImportProblem.Invalid(InvalidReason.TOO_SHORT))
        assertEquals("Baris 12, NIK: terlalu pendek.", importIssueMessage(short, Locale.ID))
        assertEquals("Line 12, NIK (national identity number): too short.", importIssueMessage(short, Locale.EN))
        assertEquals(
            "Baris 12, NIK: sama dengan baris 3.",
            importIssueMessage(ImportIssue(12u, "nik", ImportProblem.DuplicateInFile(3u)), Locale.ID),
        )
        assertEquals(
            "Line 4, registration consent: does not say that registration consent was given.",
            importIssueMessage(ImportIssue(4u, "consent", ImportProblem.ConsentMissing), Locale.EN),
        )
        assertEquals(
            "Baris 1, baris judul: kolom ke-4 tidak dikenal.",
            importIssueMessage(ImportIssue(1u, "header", ImportProblem.UnknownColumn(4u)), Locale.ID),
        )
        assertEquals(
            "Line 3, row: has 2 fields instead of 9.",
            importIssueMessage(ImportIssue(3u, "row", ImportProblem.FieldCount(9u, 2u)), Locale.EN),
        )
        // Every problem has its own sentence in each language.
        val problems = listOf(
            ImportProblem.Invalid(InvalidReason.EMPTY), ImportProblem.MissingColumn, ImportProblem.UnknownColumn(2u),
            ImportProblem.RepeatedColumn(2u), ImportProblem.FieldCount(9u, 2u), ImportProblem.UnclosedQuote,
            ImportProblem.TextAfterQuote, ImportProblem.RowTooLong, ImportProblem.DuplicateInFile(2u),
            ImportProblem.DuplicateInVault, ImportProblem.ConsentMissing,
        )
        for (locale in Locale.entries) {
            val sentences = problems.map { importIssueMessage(ImportIssue(5u, "nik", it), locale) }
            assertEquals(problems.size, sentences.toSet().size, "$locale: $sentences")
            assertTrue(sentences.all { it.startsWith(if (locale == Locale.ID) "Baris 5, NIK: " else "Line 5, NIK") }, "$sentences")
        }
    }
}
