package dev.unlearn.eval.report;

/** The style sheet shared by the run report and the per-model pages. */
public final class ReportStyle {
    private ReportStyle() {}

    /**
     * CSS: a page at most 1100 px wide; tables inside a horizontally scrolling container
     * ({@code .table-scroll}) with wrapping headers and right-aligned tabular numbers; the first
     * column sticks while scrolling; charts scale down with the page ({@code svg.chart}); small bar
     * charts flow in a grid ({@code .bars-grid}).
     */
    public static final String CSS = "body{font-family:sans-serif;margin:1.5em auto;max-width:1100px;padding:0 1em;color:#222;line-height:1.4}"
            + "h1{font-size:1.6em;margin-bottom:0.2em}h2{margin-top:1.6em;border-bottom:1px solid #ddd;padding-bottom:0.2em}"
            + ".table-scroll{overflow-x:auto;max-width:100%;margin:0.5em 0 1em}"
            + "table{border-collapse:collapse;font-size:0.9em}"
            + "td,th{border:1px solid #ccc;padding:3px 6px;vertical-align:bottom}"
            + "th{background:#f3f3f3;font-weight:600;white-space:normal;max-width:7.5em;text-align:center}"
            + "td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
            + "td.t{text-align:left;white-space:nowrap}"
            + "table.kv th{text-align:left;max-width:none;white-space:nowrap}"
            + "tr > :first-child{position:sticky;left:0;background:#fff}tr > th:first-child{background:#f3f3f3}"
            + "tr.role-retain td{background:#eef7ee}tr.role-full td{background:#fbeeee}"
            + ".front{color:#1f77b4;font-weight:bold}"
            + "svg.chart{max-width:100%;height:auto;display:block}"
            + ".bars-grid{display:flex;flex-wrap:wrap;gap:12px 18px}"
            + ".bars-grid svg{border:1px solid #eee}"
            + ".note{background:#f8f8f0;border-left:4px solid #c9c27a;padding:0.5em 0.8em;font-size:0.92em}"
            + "img{max-width:100%;border:1px solid #eee;margin:0.5em 0}"
            + "abbr{text-decoration:none}";
}
