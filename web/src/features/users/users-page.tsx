import { Badge, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { PageError, PageLoader } from '../../components/page-state.tsx';
import { useSession, type User } from '../auth/api.ts';
import { useUsers } from './api.ts';
import { CreateUserForm } from './create-user-form.tsx';

/** Users: everyone who can sign in, and a form to add someone. */
export function UsersPage() {
  const users = useUsers();
  if (users.isPending) return <PageLoader label="Loading users" />;
  if (users.isError) return <PageError error={users.error} onRetry={() => void users.refetch()} />;

  return (
    <Stack gap="lg">
      <div>
        <Title order={2} size="h3">
          Users
        </Title>
        <Text size="sm" c="dimmed">
          Everyone who can sign in. Mail a user sends from the portal is signed with their name.
        </Text>
      </div>
      <UsersTable users={users.data} />
      <CreateUserForm />
    </Stack>
  );
}

function UsersTable({ users }: { users: User[] }) {
  const { data: me } = useSession();
  if (users.length === 0) {
    return <Text c="dimmed">No users yet.</Text>;
  }
  return (
    <Paper withBorder radius="md">
      <Table striped highlightOnHover verticalSpacing="sm" aria-label="Users">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>E-mail</Table.Th>
            <Table.Th>Role</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {users.map((user) => (
            <Table.Tr key={user.id}>
              <Table.Td>
                {user.firstName} {user.lastName}
                {me?.id === user.id && (
                  <Text span c="dimmed" size="sm">
                    {' '}
                    (you)
                  </Text>
                )}
              </Table.Td>
              <Table.Td>{user.email}</Table.Td>
              <Table.Td>
                <Badge variant="light" color={user.role === 'administrator' ? 'indigo' : 'gray'}>
                  {user.role === 'administrator' ? 'Administrator' : 'User'}
                </Badge>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}
