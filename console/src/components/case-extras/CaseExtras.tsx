/**
 * What issue 17 added to a claim's case file, in its own lazily loaded chunk so the case file's first draw does not
 * carry it: the amendment of a returned claim (its submitter), an objection (admin), the evidence and the notes.
 * Each part shows only for the roles that may use it; the API refuses the rest anyway.
 */
import { lazy, Suspense } from 'react';
import { Card, Space, Spin, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ClaimView } from '../../api';
import { CAN, type Session } from '../../token';
import { ObjectionButton } from '../ObjectionButton';
import Evidence from './Evidence';

const AmendForm = lazy(() => import('./AmendForm'));
const Notes = lazy(() => import('./Notes'));

export default function CaseExtras({ session, claim, onChanged }: { session: Session; claim: ClaimView; onChanged: () => void }) {
  const { t } = useTranslation();
  const spinner = <Spin aria-label={t('common.loading')} />;
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      {claim.status === 'RETURNED' && CAN.amend(session, claim) && (
        <Suspense fallback={spinner}>
          <AmendForm session={session} claim={claim} onAmended={onChanged} />
        </Suspense>
      )}
      {CAN.object(session.role) && (
        <Card size="small">
          <Space wrap>
            <Typography.Text>{t('obj.help')}</Typography.Text>
            <ObjectionButton session={session} claimId={claim.claimId} onRecorded={onChanged} />
          </Space>
        </Card>
      )}
      <Evidence session={session} claimId={claim.claimId} mayAttach={CAN.attach(session, claim)} />
      {CAN.readNotes(session.role) && (
        <Suspense fallback={spinner}>
          <Notes session={session} claimId={claim.claimId} />
        </Suspense>
      )}
    </Space>
  );
}
