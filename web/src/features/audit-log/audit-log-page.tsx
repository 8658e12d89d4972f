import { Group, Pagination, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useSearchParams } from 'react-router-dom';
import { PageError, PageLoader } from '../../components/page-state.tsx';
import { defaultAuditPageSize, useAuditLog, type AuditEntry } from './api.ts';
import { settingLabel } from './setting-labels.ts';

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** Audit log: who changed which setting, when; the page number lives in the URL. */
export function AuditLogPage() {
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1);
  const log = useAuditLog(page);

  const heading = (
    <div>
      <Title order={2} size="h3">
        Audit log
      </Title>
      <Text size="sm" c="dimmed">
        Every change to the settings, newest first. Secrets appear only as &quot;changed&quot;.
      </Text>
    </div>
  );

  if (log.isPending) return <PageLoader label="Loading the audit log" />;
  if (log.isError) return <PageError error={log.error} onRetry={() => void log.refetch()} />;

  const { entries, total } = log.data;
  const pages = Math.max(1, Math.ceil(total / (log.data.pageSize ?? defaultAuditPageSize)));
  const goTo = (next: number) => setParams(next === 1 ? {} : { page: String(next) });

  return (
    <Stack gap="lg">
      {heading}
      {total === 0 ? (
        <Text c="dimmed">No settings have been changed yet.</Text>
      ) : entries.length === 0 ? (
        <Text c="dimmed">
          There is no page {page}; the log has {pages} {pages === 1 ? 'page' : 'pages'}.
        </Text>
      ) : (
        <AuditTable entries={entries} />
      )}
      {pages > 1 && (
        <Group justify="space-between">
          <Text size="sm" c="dimmed">
            {total} changes
          </Text>
          <Pagination total={pages} value={Math.min(page, pages)} onChange={goTo}
            getControlProps={(control) => ({ 'aria-label': `${control} page` })} />
        </Group>
      )}
    </Stack>
  );
}

function AuditTable({ entries }: { entries: AuditEntry[] }) {
  return (
    <Paper withBorder radius="md">
      <Table striped verticalSpacing="sm" aria-label="Settings changes">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>When</Table.Th>
            <Table.Th>Who</Table.Th>
            <Table.Th>Setting</Table.Th>
            <Table.Th>Change</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {entries.map((entry, index) => (
            <Table.Tr key={`${entry.at}-${entry.setting}-${index}`}>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                <time dateTime={entry.at}>{timeFormat.format(new Date(entry.at))}</time>
              </Table.Td>
              <Table.Td>{entry.userEmail}</Table.Td>
              <Table.Td>{settingLabel(entry.setting)}</Table.Td>
              <Table.Td style={{ overflowWrap: 'anywhere' }}>{entry.change}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}
