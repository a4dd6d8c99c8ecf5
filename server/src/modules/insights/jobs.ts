import type { JobDef } from '../../jobs/runner';
import type { Services } from '../services';

export { churnJob } from './churn';

/** Nightly RFM scores for every member (the same as an operator's "compute now"). */
export function segmentsJob(c: Pick<Services, 'segments'>): JobDef {
  return {
    name: 'segments',
    at: { hour: 4, minute: 0 },
    run: async () => ({ processed: (await c.segments.compute()).members }),
  };
}
