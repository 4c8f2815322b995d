// Every migration, in order. The apps apply these before serving; the TypeORM
// CLI (migrations/data-source.ts) uses the same list.
import { Foundation1795484075858 } from './1795484075858-Foundation';
import { Incidents1795484267715 } from './1795484267715-Incidents';
import { StatusPage1795485057196 } from './1795485057196-StatusPage';
import { SloEngine1795485941871 } from './1795485941871-SloEngine';
import { WeeklyDigest1795489146135 } from './1795489146135-WeeklyDigest';
import { IncidentInsightsRollup1795500000000 } from './1795500000000-IncidentInsightsRollup';
import { DigestRetries1795600000000 } from './1795600000000-DigestRetries';

export const MIGRATIONS: Function[] = [
  Foundation1795484075858,
  Incidents1795484267715,
  StatusPage1795485057196,
  SloEngine1795485941871,
  WeeklyDigest1795489146135,
  IncidentInsightsRollup1795500000000,
  DigestRetries1795600000000,
];
