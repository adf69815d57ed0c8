/** How a family member is related to the account holder, in the words the pages use. */
export const RELATIONSHIP_OPTIONS = [
  { value: "child", label: "Child" },
  { value: "spouse", label: "Spouse or partner" },
  { value: "parent", label: "Parent" },
  { value: "sibling", label: "Brother or sister" },
  { value: "other", label: "Other family" },
] as const;

export type Relationship = (typeof RELATIONSHIP_OPTIONS)[number]["value"];
export const RELATIONSHIP_VALUES = RELATIONSHIP_OPTIONS.map((r) => r.value) as [Relationship, ...Relationship[]];

export function relationshipLabel(value: string): string {
  return RELATIONSHIP_OPTIONS.find((r) => r.value === value)?.label ?? value;
}
