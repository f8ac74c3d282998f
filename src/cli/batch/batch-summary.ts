/** What a batch run prints on stdout when it ends. */
import { formatTable } from "../table.ts";
import type { BatchCounts } from "./batch-json.ts";
import type { BatchOutcome } from "./follow-batch.ts";
import { formatDuration, plural } from "./format.ts";

const STATUSES = ["queued", "starting", "processing", "succeeded", "failed", "canceled"] as const;

export function formatSummary(outcome: BatchOutcome, outDir: string, elapsedMs: number): string {
  const { batch, items, outputs } = outcome;
  const sections = [formatTable(["status", "items"], countRows(batch.counts))];
  const unsuccessful = items.filter((item) => item.status === "failed" || item.status === "canceled");
  if (unsuccessful.length > 0) {
    const rows = unsuccessful.map((item) => [
      String(item.index),
      item.model,
      item.status,
      oneLine(item.error ?? ""),
    ]);
    sections.push(formatTable(["index", "model", "status", "error"], rows));
  }
  const texts = items.filter((item) => item.text !== undefined && item.outputs.length === 0);
  if (texts.length > 0) {
    const rows = texts.map((item) => [String(item.index), item.model, oneLine(item.text ?? "")]);
    sections.push(formatTable(["index", "model", "text"], rows));
  }
  if (outputs.failed.length > 0) {
    sections.push(
      formatTable(
        ["file", "download error"],
        outputs.failed.map((f) => [f.name, oneLine(f.error)]),
      ),
    );
  }
  const unpriced = batch.cost.unpriced_items;
  const files = `${plural(outputs.saved, "file")} saved${outputs.present > 0 ? `, ${outputs.present} already there` : ""}`;
  sections.push(
    [
      `cost: $${batch.cost.usd.toFixed(4)}${unpriced > 0 ? ` (${plural(unpriced, "item")} without a price)` : ""}`,
      `elapsed: ${formatDuration(elapsedMs)}`,
      `outputs: ${outDir} (${files})`,
    ].join("\n"),
  );
  return `${sections.join("\n\n")}\n`;
}

/** Why the run did not fully succeed, or undefined when it did. */
export function shortfall({ batch, outputs }: BatchOutcome): string | undefined {
  const { failed, canceled, total } = batch.counts;
  const problems: string[] = [];
  if (failed > 0 || canceled > 0) {
    const retry = failed > 0 ? "; rerun the same command to retry the failed ones" : "";
    problems.push(`${failed} failed and ${canceled} canceled of ${plural(total, "item")}${retry}`);
  }
  if (outputs.failed.length > 0) {
    problems.push(
      `${plural(outputs.failed.length, "output")} could not be downloaded; rerun the same command to fetch them`,
    );
  }
  return problems.length > 0 ? problems.join("\n") : undefined;
}

function countRows(counts: BatchCounts): string[][] {
  const rows = STATUSES.filter((status) => counts[status] > 0).map((status) => [
    status,
    String(counts[status]),
  ]);
  return [...rows, ["total", String(counts.total)]];
}

const oneLine = (text: string) => text.replace(/\s+/g, " ").trim();
