import { CHANGES_LIMIT } from '@todo/application';
import type { TaskChange } from '@todo/domain';
import { Type, type Static } from 'typebox';
import { toTaskResource } from '../wire/task-schemas.js';

const Cursor = Type.String({
  minLength: 1,
  maxLength: 1024,
  description: 'A cursor from an earlier answer (`cursor`) or event (`id`). Expired, malformed or another user\'s: 410.',
});

export const UpsertChangeSchema = Type.Object(
  {
    type: Type.Literal('upsert'),
    task: Type.Ref('Task'),
  },
  { title: 'UpsertChange', description: 'The task was created or changed: this is how it is now.', additionalProperties: false },
);
export const DeleteChangeSchema = Type.Object(
  {
    type: Type.Literal('delete'),
    id: Type.Integer({ minimum: 1, description: 'The deleted task.' }),
  },
  { title: 'DeleteChange', description: 'The task was deleted.', additionalProperties: false },
);
export const ChangeSchema = Type.Union([UpsertChangeSchema, DeleteChangeSchema], { $id: 'Change', title: 'Change' });

export const ChangesPageSchema = Type.Object(
  {
    changes: Type.Array(Type.Ref('Change'), {
      description: 'In the order the writes committed; a task written several times appears once, at its latest write.',
    }),
    cursor: Type.String({ description: 'Pass it as `since` to read what follows.' }),
    has_more: Type.Boolean({ description: 'More changes follow: read again from `cursor` at once.' }),
  },
  { title: 'ChangesPage', additionalProperties: false },
);

export const ChangesQuery = Type.Object(
  {
    since: Type.Optional(Cursor),
    limit: Type.Optional(
      Type.Integer({ minimum: CHANGES_LIMIT.min, maximum: CHANGES_LIMIT.max, default: CHANGES_LIMIT.default }),
    ),
  },
  { additionalProperties: false },
);

export const EventsQuery = Type.Object({ since: Type.Optional(Cursor) }, { additionalProperties: false });
export const EventsHeaders = Type.Object({
  'last-event-id': Type.Optional({
    ...Cursor,
    description: 'The `id` of the last event received: the stream replays what followed it, then goes live. Wins over `since`.',
  }),
});

export type ChangeResource = Static<typeof UpsertChangeSchema> | Static<typeof DeleteChangeSchema>;

export const toChangeResource = (change: TaskChange): ChangeResource =>
  change.type === 'upsert' ? { type: 'upsert', task: toTaskResource(change.task) } : { type: 'delete', id: change.id };
