// Every migration, in order. The apps apply these before serving; the TypeORM
// CLI (migrations/data-source.ts) uses the same list.
import { Foundation1795484075858 } from './1795484075858-Foundation';
import { Incidents1795484267715 } from './1795484267715-Incidents';
import { StatusPage1795485057196 } from './1795485057196-StatusPage';
import { SloEngine1795485941871 } from './1795485941871-SloEngine';
import { WeeklyDigest1795489146135 } from './1795489146135-WeeklyDigest';
import { IncidentInsightsRollup1795500000000 } from './1795500000000-IncidentInsightsRollup';
import { DigestRetries1795600000000 } from './1795600000000-DigestRetries';
import { IsolationAndAudit1795700000000 } from './1795700000000-IsolationAndAudit';
import { StatusPersonsWord1795720000000 } from './1795720000000-StatusPersonsWord';
import { StatusSubscriptions1795725000000 } from './1795725000000-StatusSubscriptions';
import { OncallPaging1795730000000 } from './1795730000000-OncallPaging';
import { SloAlerting1795740000000 } from './1795740000000-SloAlerting';
import { AfterIncident1795750000000 } from './1795750000000-AfterIncident';
import { DeliveryAndHistory1795760000000 } from './1795760000000-DeliveryAndHistory';
import { MttaAcknowledgedVia1795800000000 } from './1795800000000-MttaAcknowledgedVia';
import { MetricLabelsAndSharedRateLimit1795900000000 } from './1795900000000-MetricLabelsAndSharedRateLimit';
import { SlackClaimsAndTeamPagerDuty1795910000000 } from './1795910000000-SlackClaimsAndTeamPagerDuty';
import { SloCalendarWindows1795930000000 } from './1795930000000-SloCalendarWindows';
import { DeliveryInsightsRollup1795950000000 } from './1795950000000-DeliveryInsightsRollup';
import { SloComponentLinkFromPolicy1795960000000 } from './1795960000000-SloComponentLinkFromPolicy';

export const MIGRATIONS: Function[] = [
  Foundation1795484075858,
  Incidents1795484267715,
  StatusPage1795485057196,
  SloEngine1795485941871,
  WeeklyDigest1795489146135,
  IncidentInsightsRollup1795500000000,
  DigestRetries1795600000000,
  IsolationAndAudit1795700000000,
  StatusPersonsWord1795720000000,
  StatusSubscriptions1795725000000,
  OncallPaging1795730000000,
  SloAlerting1795740000000,
  AfterIncident1795750000000,
  DeliveryAndHistory1795760000000,
  MttaAcknowledgedVia1795800000000,
  MetricLabelsAndSharedRateLimit1795900000000,
  SlackClaimsAndTeamPagerDuty1795910000000,
  SloCalendarWindows1795930000000,
  DeliveryInsightsRollup1795950000000,
  SloComponentLinkFromPolicy1795960000000,
];
