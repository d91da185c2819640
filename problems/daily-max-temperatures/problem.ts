import { timeSeriesProblem } from '../problem-families.ts';
import { baselines } from './baselines.ts';

export const problem = timeSeriesProblem({
  id: 'daily-max-temperatures',
  title: 'daily maximum temperatures',
  fileName: 'daily-max-temperatures.csv',
  column: 1,
  splitTime: 2500,
  windowSize: 64,
  dataLink: 'https://raw.githubusercontent.com/jbrownlee/Datasets/master/daily-max-temperatures.csv',
  baselines,
});
