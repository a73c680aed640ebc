import type { SecurityRisk } from '@handoff/protocol';

/** How each risk the model can assign is shown; UNKNOWN (the model gave none) shows nothing. */
const RISK_TONES = {
  LOW: 'ok',
  MEDIUM: 'warning',
  HIGH: 'failed',
  UNKNOWN: undefined,
} satisfies Record<SecurityRisk, string | undefined>;

/** The security risk the model assigned to an action, as a badge. */
export function RiskBadge({ risk }: { risk: SecurityRisk | undefined }) {
  const tone = risk === undefined ? undefined : RISK_TONES[risk];
  if (risk === undefined || tone === undefined) return null;
  return (
    <span
      className={`risk-badge risk-${tone}`}
      data-testid="security-risk"
      data-risk={risk}
      title={`The agent rates this action ${risk} risk`}
    >
      {risk}
    </span>
  );
}
