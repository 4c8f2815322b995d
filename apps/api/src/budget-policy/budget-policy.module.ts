import { Module } from '@nestjs/common';
import { IncidentsModule } from '@app/incidents';
import { BudgetPolicyListener } from './budget-policy.listener';
import { PolicyComponentLink } from './policy-component-link';

@Module({ imports: [IncidentsModule], providers: [BudgetPolicyListener, PolicyComponentLink] })
export class BudgetPolicyModule {}
