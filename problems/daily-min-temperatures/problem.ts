import { timeSeriesProblem } from '../problem-families.ts';
import { baselines } from './baselines.ts';

export const problem = timeSeriesProblem({
  id: 'daily-min-temperatures',
  title: 'daily minimum temperatures (Melbourne)',
  fileName: 'daily-min-temperatures.csv',
  column: 1,
  splitTime: 2500,
  windowSize: 64,
  dataLink: 'https://raw.githubusercontent.com/jbrownlee/Datasets/master/daily-min-temperatures.csv',
  baselines,
});
