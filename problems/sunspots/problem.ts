import { timeSeriesProblem } from '../problem-families.ts';
import { baselines } from './baselines.ts';

export const problem = timeSeriesProblem({
  id: 'sunspots',
  title: 'monthly sunspots',
  fileName: 'Sunspots.csv',
  column: 2,
  splitTime: 3000,
  windowSize: 30,
  dataLink: 'https://storage.googleapis.com/laurencemoroney-blog.appspot.com/Sunspots.csv',
  baselines,
});
