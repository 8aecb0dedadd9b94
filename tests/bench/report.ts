/** The bench's Markdown table: one row per measured figure, ours beside the reference. */

export interface ResultRow {
  scenario: string;
  metric: string;
  ours: string;
  reference: string;
  ratio: string;
  target: string;
}

export interface Target {
  label: string;
  met: boolean;
}

export function resultRow(
  scenario: string,
  metric: string,
  values: { ours: string; reference: string; ratio?: string },
  target?: Target,
): ResultRow {
  return {
    scenario,
    metric,
    ours: values.ours,
    reference: values.reference,
    ratio: values.ratio ?? '',
    target: target ? `${target.label}: ${target.met ? 'met' : 'MISSED'}` : '',
  };
}

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|');
}

export function markdownTable(rows: readonly ResultRow[]): string {
  const header = '| scenario | metric | Draftroom | y-websocket-server 0.1.1 | ratio | target |';
  const rule = '| --- | --- | ---: | ---: | ---: | --- |';
  const lines = rows.map(
    (row) =>
      `| ${[row.scenario, row.metric, row.ours, row.reference, row.ratio, row.target].map(escapeCell).join(' | ')} |`,
  );
  return [header, rule, ...lines].join('\n');
}
