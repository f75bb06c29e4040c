//! Rows sealed one by one (the format before page encryption), still used by the
//! capabilities not yet moved to typed columns. Goes away when the last one has moved.

use crate::crypto::Place;
use crate::error::Result;
use crate::vault::Session;

impl Session<'_> {
    /// The rows of `sql`, which selects an id, one text column and the sealed `data` of
    /// `table` for one parameter; each row's data opened as `T`. A row that does not open
    /// fails the read as tampered, naming `kind`.
    pub(crate) fn sealed_rows<T: serde::de::DeserializeOwned>(
        &self,
        sql: &str,
        param: &str,
        table: &'static str,
        kind: &str,
    ) -> Result<Vec<(String, String, T)>> {
        let mut statement = self.conn.prepare_cached(sql)?;
        let rows = statement.query_map([param], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, Vec<u8>>(2)?,
            ))
        })?;
        let mut opened = Vec::new();
        for row in rows {
            let (id, text, sealed) = row?;
            let place = Place {
                table,
                row: &id,
                column: "data",
            };
            let data = self.keys.open_json(place, &sealed, kind)?;
            opened.push((id, text, data));
        }
        Ok(opened)
    }
}
