// handleSummary replaces the text summary; its 'stdout' is printed.
// expect: exit=0
// expect-stdout: ^iterations: 2\n$
export const options = { iterations: 2 };

export default function () {}

export function handleSummary(data) {
  return { stdout: `iterations: ${data.metrics.iterations.values.count}\n` };
}
