import {
  ActionIcon,
  CloseButton,
  Group,
  SegmentedControl,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { useEffect, useRef, useState } from 'react';
import { RefreshIcon, SearchIcon } from '../../components/icons.tsx';
import { isMessageState, messageStates, type MessageState } from './api.ts';
import { stateLabels } from './state-badge.tsx';

const stateOptions = [
  { value: 'all', label: 'All' },
  ...messageStates.map((state) => ({ value: state, label: stateLabels[state] })),
];

interface LogFiltersProps {
  state: MessageState | undefined;
  /** The search in the URL. */
  query: string;
  refreshing: boolean;
  onStateChange: (state: MessageState | undefined) => void;
  onQueryChange: (query: string) => void;
  onRefresh: () => void;
}

/** The state filter, the search by recipient or subject (debounced), and Refresh. */
export function LogFilters(props: LogFiltersProps) {
  const { state, query, refreshing, onStateChange, onQueryChange, onRefresh } = props;
  const [typed, setTyped] = useState(query);
  const requested = useRef(query);
  const search = (value: string) => {
    requested.current = value.trim();
    onQueryChange(value);
  };
  const searchSoon = useDebouncedCallback(search, 300);

  // The URL is the truth: when the back button or "Clear the filters" changes it, the input
  // follows and a search still waiting to be made is dropped.
  useEffect(() => {
    if (query === requested.current) return;
    requested.current = query;
    searchSoon.cancel();
    setTyped(query);
  }, [query, searchSoon]);

  const type = (value: string) => {
    setTyped(value);
    searchSoon(value);
  };

  const clear = () => {
    searchSoon.cancel();
    setTyped('');
    search('');
  };

  return (
    <Group justify="space-between" align="flex-end" gap="sm">
      <SegmentedControl
        aria-label="State"
        data={stateOptions}
        value={state ?? 'all'}
        onChange={(value) => onStateChange(isMessageState(value) ? value : undefined)}
      />
      <Group gap="xs" wrap="nowrap" style={{ flex: 1, minWidth: 240, maxWidth: 420 }}>
        <TextInput
          aria-label="Search by recipient or subject"
          placeholder="Search by recipient or subject"
          leftSection={<SearchIcon size={16} />}
          rightSection={typed ? (
            <CloseButton size="sm" aria-label="Clear the search" onClick={clear} />
          ) : null}
          value={typed}
          onChange={(event) => type(event.currentTarget.value)}
          onKeyDown={(event) => event.key === 'Enter' && searchSoon.flush()}
          style={{ flex: 1 }}
        />
        <Tooltip label="Refresh">
          <ActionIcon
            variant="default"
            size="lg"
            aria-label="Refresh the delivery log"
            loading={refreshing}
            onClick={onRefresh}
          >
            <RefreshIcon size={18} />
          </ActionIcon>
        </Tooltip>
      </Group>
    </Group>
  );
}
