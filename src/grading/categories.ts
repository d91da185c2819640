// The exam's five categories: the one list and the one set of names every display and the mock
// exam use.

/** The exam's five categories, in exam order; a problem's weight in a mock exam equals its category. */
export const PROBLEM_CATEGORIES = [1, 2, 3, 4, 5] as const;
export type ProblemCategory = (typeof PROBLEM_CATEGORIES)[number];

const categoryNames: Record<ProblemCategory, string> = {
  1: 'Basic model',
  2: 'Computer vision',
  3: 'Real-world images',
  4: 'Natural language processing',
  5: 'Time series',
};

export function categoryName(category: ProblemCategory): string {
  return categoryNames[category];
}
