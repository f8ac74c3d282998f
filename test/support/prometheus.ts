/** `/metrics` read as Prometheus reads it: scraped over HTTP and parsed by a real text-format parser. */
import parsePrometheusTextFormat, {
  type PrometheusFamily,
  type PrometheusSample,
} from "parse-prometheus-text-format";

export const METRICS_TOKEN = "gg_test_metrics_token_0123456789";

export class Scrape {
  readonly text: string;
  /** Every family as the parser reads it (it refuses a malformed line). */
  readonly families: PrometheusFamily[];
  /**
   * The same text with histograms read as their plain `_bucket`, `_sum` and `_count` series: the
   * parser merges all the samples of a labelled histogram into one, losing their labels.
   */
  readonly #series: PrometheusFamily[];

  constructor(text: string) {
    this.text = text;
    this.families = parsePrometheusTextFormat(text);
    this.#series = parsePrometheusTextFormat(text.replace(/^# TYPE \S+ histogram$/gm, ""));
  }

  family(name: string): PrometheusFamily | undefined {
    return this.families.find((family) => family.name === name);
  }

  /** The samples of `name` (of a histogram: its `_count` series) whose labels include `labels`. */
  samples(name: string, labels: Record<string, string> = {}): PrometheusSample[] {
    const series = this.family(name)?.type === "HISTOGRAM" ? `${name}_count` : name;
    // Untyped, a series is one family per run of lines with the same labels.
    return this.#series
      .filter((family) => family.name === series)
      .flatMap((family) => family.metrics)
      .filter((sample) => Object.entries(labels).every(([key, value]) => sample.labels?.[key] === value));
  }

  /** The sum of the values of the samples of `name` (of a histogram: its counts) matching `labels`. */
  sum(name: string, labels: Record<string, string> = {}): number {
    return this.samples(name, labels).reduce((total, sample) => total + Number(sample.value), 0);
  }

  /** How many observations of histogram `name` matching `labels` fell at or under `le`. */
  bucket(name: string, le: string, labels: Record<string, string> = {}): number {
    return this.sum(`${name}_bucket`, { ...labels, le });
  }

  /** Every label value of every sample. */
  labelValues(): string[] {
    return this.#series.flatMap((family) =>
      family.metrics.flatMap((sample) => Object.values(sample.labels ?? {})),
    );
  }
}

export async function scrape(baseUrl: string, token: string | undefined = METRICS_TOKEN): Promise<Scrape> {
  const response = await fetch(`${baseUrl}/metrics`, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  if (response.status !== 200)
    throw new Error(`/metrics answered ${response.status}: ${await response.text()}`);
  if (!response.headers.get("content-type")?.startsWith("text/plain; version=0.0.4"))
    throw new Error(`/metrics answered ${response.headers.get("content-type")}`);
  return new Scrape(await response.text());
}
