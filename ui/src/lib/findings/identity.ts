/**
 * A finding is its product and its id, as AWS defines it: another product's finding may carry
 * the same id and is another finding. `findingKey` is one string for both, for keys and
 * comparisons.
 */
export function findingKey(finding: { id: string; product_arn: string }): string {
  return `${finding.product_arn}\n${finding.id}`;
}
