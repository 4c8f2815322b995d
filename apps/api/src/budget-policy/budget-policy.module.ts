import { Module } from '@nestjs/common';
import { IncidentsModule } from '@app/incidents';
import { BudgetPolicyListener } from './budget-policy.listener';

@Module({ imports: [IncidentsModule], providers: [BudgetPolicyListener] })
export class BudgetPolicyModule {}
