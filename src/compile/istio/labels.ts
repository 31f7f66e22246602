// Label selectors: the one subset test the compile uses for endpoints, gateway Services and
// gateway selectors.

/** Does `labels` carry every label of `selector` (with its value)? An empty selector: yes. */
export function hasLabels(labels: Readonly<Record<string, string>>, selector: Readonly<Record<string, string>>): boolean {
  for (const k in selector) if (labels[k] !== selector[k]) return false;
  return true;
}
