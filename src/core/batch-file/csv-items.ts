/**
 * Batch files in CSV: a header row, then an item a row; each column is an input field but `model`,
 * `output_path` (the item's file path, as written) and `metadata.<name>` (a field of its metadata).
 */
import { CsvError, parse } from "csv-parse/sync";
import { parseValue } from "../parse-value.ts";
import { type BatchItem, fileError } from "./batch-file-items.ts";

const METADATA = "metadata.";

export function csvItems(text: string, file: string): BatchItem[] {
  let rows: Record<string, string>[];
  try {
    rows = parse<Record<string, string>>(text, {
      bom: true,
      skip_empty_lines: true,
      columns: (header: string[]) => columnNames(header, file),
    });
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    // The line goes in front like every other batch file error, so drop csv-parse's own mention of it.
    const message = error.message.replace(/ (?:on|at) line \d+/, "");
    throw fileError(`${file} line ${error.lines}`, message);
  }
  return rows.map(itemFromRow);
}

function columnNames(header: string[], file: string): string[] {
  const names = header.map((name) => name.trim());
  names.forEach((name, i) => {
    if (name === "") throw fileError(`${file} line 1`, `column ${i + 1} has no name`);
    if (names.indexOf(name) !== i) throw fileError(`${file} line 1`, `column "${name}" appears twice`);
  });
  return names;
}

function itemFromRow(row: Record<string, string>): BatchItem {
  const item: BatchItem = { input: {} };
  for (const [column, cell] of Object.entries(row)) {
    // An empty cell leaves the field to the batch's defaults (--param) rather than sending "".
    if (cell === "") continue;
    if (column === "model") item.model = cell;
    else if (column === "output_path") item.output_path = cell;
    else if (column.startsWith(METADATA))
      item.metadata = { ...item.metadata, [column.slice(METADATA.length)]: parseValue(cell) };
    else item.input[column] = parseValue(cell);
  }
  return item;
}
