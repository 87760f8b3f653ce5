/**
 * Styles of the HTML report: sober, light, printable. Numbers use tabular figures so columns
 * of latencies line up digit by digit.
 */
export const REPORT_CSS = `
:root { color-scheme: light; --fg: #1d1d1f; --muted: #5f6368; --line: #dcdcdc; --soft: #f6f7f8;
  --bad: #b3261e; --warn: #8a5a00; --good: #1e7b34; --fault: #d55e00; }
* { box-sizing: border-box; }
body { margin: 0; background: #fff; color: var(--fg);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 1280px; margin: 0 auto; padding: 24px 24px 48px; }
h1 { font-size: 22px; margin: 0 0 4px; font-weight: 600; }
h2 { font-size: 17px; margin: 36px 0 6px; padding-bottom: 4px; border-bottom: 1px solid var(--line); font-weight: 600; }
h3 { font-size: 14px; margin: 0 0 6px; font-weight: 600; }
p { margin: 4px 0 10px; }
.muted, .hint { color: var(--muted); }
.hint { font-size: 13px; margin: 0 0 12px; max-width: 78ch; }
.meta { color: var(--muted); margin: 2px 0; }
.description { margin: 6px 0; }
nav { margin: 14px 0 0; font-size: 13px; }
nav a { color: #0b57d0; text-decoration: none; margin-right: 14px; white-space: nowrap; }
nav a:hover { text-decoration: underline; }
.banner { border: 1px solid #e7c27a; background: #fff7e6; color: #5c3d00; padding: 8px 12px;
  border-radius: 6px; margin: 14px 0 0; }
.banner.disturbed { border-color: #b9b9c8; background: #f3f3f7; color: #2b2b3a; }
.banner.disturbed p { margin: 2px 0; }
.banner.disturbed ul { margin: 4px 0; padding-left: 20px; }
.banner.disturbed .note { color: var(--muted); font-size: 13px; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; margin: 6px 0 10px; }
th, td { padding: 4px 12px; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
td.text, th.text { text-align: left; white-space: normal; }
thead th .muted { font-weight: normal; font-size: 12px; }
thead th { font-weight: 600; border-bottom: 2px solid #bdbdbd; vertical-align: bottom; }
tbody tr.section th { text-align: left; background: var(--soft); color: var(--muted); font-weight: 600;
  font-size: 12px; text-transform: uppercase; letter-spacing: .04em; padding-top: 6px; }
tbody th { font-weight: normal; }
table.endpoints th[scope=rowgroup] { vertical-align: top; text-align: left; font-weight: 600; }
.sub { color: var(--muted); padding-left: 26px; }
.bad { color: var(--bad); font-weight: 600; }
.warn { color: var(--warn); }
.good { color: var(--good); }
.badge { display: inline-block; font-size: 11px; font-weight: 600; padding: 0 6px; border-radius: 9px;
  background: #fde7c4; color: #6b4300; margin-left: 4px; vertical-align: 1px; }
.badge.fail { background: #f9d7d4; color: var(--bad); }
.badge.pass { background: #d8f0dd; color: var(--good); }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 5px; vertical-align: 0; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 520px), 1fr)); gap: 18px 22px; }
.card { min-width: 0; }
.card h3 .note { font-weight: normal; color: var(--muted); }
.chart { width: 100%; min-width: 0; overflow: hidden; }
.chart-failed { color: var(--bad); padding: 12px; border: 1px dashed var(--bad); }
.empty { color: var(--muted); font-style: italic; padding: 10px 0; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 3px 18px; margin: 6px 0 10px; }
dt { color: var(--muted); }
dd { margin: 0; }
details { margin: 8px 0; }
summary { cursor: pointer; color: var(--muted); }
pre { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px;
  overflow-x: auto; font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
.u-legend { font-size: 12px; text-align: left; }
.u-legend .u-series > * { padding: 1px 4px; }
.u-legend th { font-weight: normal; }
.u-legend td, .u-legend th { border-bottom: none; }
@media print { nav { display: none; } .grid { grid-template-columns: 1fr 1fr; } }
`;
