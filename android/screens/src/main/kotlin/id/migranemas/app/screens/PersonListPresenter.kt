package id.migranemas.app.screens

import id.migranemas.core.Locale
import id.migranemas.core.MigranException
import id.migranemas.core.PageRequest
import id.migranemas.core.Person
import id.migranemas.core.Vault
import id.migranemas.core.errorMessage

/** One row of the list: only what the row shows. */
data class PersonRow(val id: String, val name: String, val village: String, val archived: Boolean)

data class PersonListState(
    val rows: List<PersonRow> = emptyList(),
    val total: Int = 0,
    val query: String = "",
    val canLoadMore: Boolean = false,
    /**
     * The core's message when a page could not be loaded, in the screen's language. A
     * damaged or altered vault file fails the whole page (the core encrypts and
     * authenticates it page by page): the message says so, and no row of it is shown.
     */
    val message: String? = null,
)

/** The person list with search. Pages of [pageSize]; a search replaces the list. */
class PersonListPresenter(
    private val vault: Vault,
    private val locale: Locale,
    private val pageSize: UInt = 50u,
) {
    var state = PersonListState()
        private set
    private var nextOffset: UInt? = 0u

    fun refresh(): PersonListState {
        nextOffset = 0u
        state = PersonListState()
        return loadMore()
    }

    fun loadMore(): PersonListState {
        val offset = nextOffset ?: return state
        state = guard {
            val page = vault.listPersons(PageRequest(offset, pageSize), false)
            nextOffset = page.nextOffset
            state.copy(
                rows = state.rows + page.items.map(::row),
                total = page.total.toInt(),
                canLoadMore = page.nextOffset != null,
                message = null,
            )
        }
        return state
    }

    fun search(query: String): PersonListState {
        if (query.isBlank()) return refresh()
        state = guard {
            val found = vault.searchPersons(query, 200u)
            nextOffset = null
            PersonListState(rows = found.map(::row), total = found.size, query = query)
        }
        return state
    }

    private fun row(person: Person) = PersonRow(person.id, person.fullName, person.village, person.archived)

    private fun guard(load: () -> PersonListState): PersonListState = try {
        load()
    } catch (error: MigranException) {
        state.copy(message = errorMessage(error, locale))
    }
}
