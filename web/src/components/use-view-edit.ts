import type { UseFormReturnType } from '@mantine/form';
import { useCallback, useEffect, useState } from 'react';

/**
 * View and edit mode of a settings form. In view mode the form follows the saved values
 * (after a save, or when they are fetched again); Edit lets the person change them; Cancel
 * puts the saved values back; `saved` ends editing with the values the server answered.
 *
 * `savedValues` must keep its identity while the values are the same (memoize it).
 */
export function useViewEdit<Values extends Record<string, unknown>>(
  form: UseFormReturnType<Values>,
  savedValues: Values,
) {
  const [editing, setEditing] = useState(false);

  const show = useCallback(
    (values: Values) => {
      form.setInitialValues(values);
      form.setValues(values);
      form.resetDirty(values);
      form.clearErrors();
    },
    // The form object is new on every render, but its methods act on the same state.
    [],
  );

  useEffect(() => {
    if (!editing) show(savedValues);
  }, [savedValues, editing, show]);

  return {
    editing,
    /** Whether there is anything to save. */
    dirty: editing && form.isDirty(),
    edit: () => setEditing(true),
    cancel: () => {
      form.reset();
      form.clearErrors();
      setEditing(false);
    },
    saved: (values: Values) => {
      show(values);
      setEditing(false);
    },
  };
}
