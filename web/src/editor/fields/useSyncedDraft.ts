// The hook moved to the shared schema-form base (its comma-list widget uses it); JSON and contract inputs import it here.
export { useSyncedDraft } from '../../ui/schema-form/useSyncedDraft.ts';
