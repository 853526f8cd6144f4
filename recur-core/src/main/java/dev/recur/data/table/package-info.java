/**
 * Tables: users' tabular files (CSV, TSV, JSON Lines) for forecasting and classification.
 *
 * <ul>
 *   <li>{@link dev.recur.data.table.Tables} reads a file, by its extension or in a named format, as
 *       strict UTF-8, into a {@link dev.recur.data.table.Table}: a header of column names and rows of
 *       string cells, each row with the line where it starts.</li>
 *   <li>{@link dev.recur.data.table.Table#numbers} and {@link dev.recur.data.table.Table#strings}
 *       turn a column into values; {@link dev.recur.data.table.FillPolicy} says what a missing number
 *       becomes.</li>
 * </ul>
 * Every problem with a file's content is a {@link dev.recur.io.FormatException} with a one-line
 * message naming the file, the line and the column, what was expected and what was found.
 */
package dev.recur.data.table;
