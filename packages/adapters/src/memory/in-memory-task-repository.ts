import {
  compareFeedPositions,
  compareForListing,
  comparePositions,
  DELETION_RETENTION_MS,
  matchesFilters,
  positionOf,
  type ChangeFeedQuery,
  type ChangeFeedRead,
  type PositionedChange,
  type TaskChangeFeed,
  type TaskCounts,
  type TaskListQuery,
  type TaskRepository,
} from '@todo/application';
import {
  applyTaskChanges,
  completionChange,
  isOverdue,
  isOwnedBy,
  taskDeleted,
  taskUpserted,
  versionMatches,
  type ExpectedVersions,
  type NewTask,
  type Task,
  type TaskId,
  type TaskChanges,
  type UserId,
} from '@todo/domain';

const copyDate = (date: Date | null) => (date === null ? null : new Date(date));

const copy = (task: Task): Task => ({
  ...task,
  tags: [...task.tags],
  dueDate: copyDate(task.dueDate),
  completedAt: copyDate(task.completedAt),
  createdAt: new Date(task.createdAt),
  updatedAt: new Date(task.updatedAt),
});

interface StoredTask {
  readonly task: Task;
  /** The `seq` of the write that last changed it, in its owner's feed. */
  readonly seq: number;
}

interface Deletion {
  readonly id: TaskId;
  readonly seq: number;
  readonly deletedAt: Date;
}

/** One user's change feed: the `seq` of the latest write, and what deletions are still remembered. */
interface Feed {
  headSeq: number;
  forgottenSeq: number;
  deletions: Deletion[];
}

/**
 * A real adapter kept in process memory: for tests and for trying the API without a database. Each call is one
 * turn of the event loop, so every write is atomic and the feed is in write order by construction.
 */
export class InMemoryTaskRepository implements TaskRepository, TaskChangeFeed {
  readonly #tasks = new Map<TaskId, StoredTask>();
  readonly #feeds = new Map<UserId, Feed>();
  #lastId = 0;

  async insert(task: NewTask): Promise<Task> {
    const stored: Task = { ...task, id: ++this.#lastId as TaskId, version: 1 };
    return this.#store(stored, this.#nextSeq(task.userId));
  }

  async findOwned(owner: UserId, id: TaskId): Promise<Task | null> {
    const task = this.#owned(owner, id);
    return task ? copy(task) : null;
  }

  async updateOwned(owner: UserId, id: TaskId, changes: TaskChanges, now: Date, expected?: ExpectedVersions): Promise<Task | null> {
    const task = this.#owned(owner, id, expected);
    return task ? this.#store(applyTaskChanges(task, changes, now), this.#nextSeq(owner)) : null;
  }

  async toggleCompletedOwned(owner: UserId, id: TaskId, now: Date, expected?: ExpectedVersions): Promise<Task | null> {
    const task = this.#owned(owner, id, expected);
    return task ? this.#store(applyTaskChanges(task, completionChange(task), now), this.#nextSeq(owner)) : null;
  }

  async deleteOwned(owner: UserId, id: TaskId, now: Date, expected?: ExpectedVersions): Promise<boolean> {
    if (this.#owned(owner, id, expected) === undefined) return false;
    this.#delete(owner, [id], now);
    return true;
  }

  async listOwned(owner: UserId, query: TaskListQuery): Promise<Task[]> {
    const { sort, order, after } = query;
    const isAfter = (task: Task) => after === null || comparePositions(positionOf(task, sort, order), after, order) > 0;
    return this.#all(owner)
      .filter((task) => matchesFilters(task, query) && isAfter(task))
      .sort(compareForListing(sort, order))
      .slice(0, query.limit)
      .map(copy);
  }

  async countOwned(owner: UserId, now: Date): Promise<TaskCounts> {
    const tasks = this.#all(owner);
    return {
      total: tasks.length,
      completed: tasks.filter((task) => task.completed).length,
      overdue: tasks.filter((task) => isOverdue(task, now)).length,
    };
  }

  async setCompletedManyOwned(owner: UserId, ids: readonly TaskId[], completed: boolean, now: Date): Promise<Task[]> {
    const changing = [...new Set(ids)]
      .map((id) => this.#owned(owner, id))
      .filter((task): task is Task => task !== undefined && task.completed !== completed);
    if (changing.length === 0) return [];
    const seq = this.#nextSeq(owner);
    return changing.map((task) => this.#store(applyTaskChanges(task, { completed }, now), seq));
  }

  async deleteCompletedOwned(owner: UserId, now: Date): Promise<number> {
    const completed = this.#all(owner).filter((task) => task.completed);
    if (completed.length > 0) this.#delete(owner, completed.map((task) => task.id), now);
    return completed.length;
  }

  async readChanges(owner: UserId, { after, limit }: ChangeFeedQuery): Promise<ChangeFeedRead> {
    const feed = this.#feed(owner);
    const upserts: PositionedChange[] = [...this.#tasks.values()]
      .filter(({ task }) => isOwnedBy(task, owner))
      .map(({ task, seq }) => ({ change: taskUpserted(copy(task)), position: { seq, id: task.id } }));
    const deletions: PositionedChange[] =
      after === null ? [] : feed.deletions.map(({ id, seq }) => ({ change: taskDeleted(id), position: { seq, id } }));
    const following = [...upserts, ...deletions]
      .filter(({ position }) => after === null || compareFeedPositions(position, after) > 0)
      .sort((a, b) => compareFeedPositions(a.position, b.position));
    return {
      changes: following.slice(0, limit),
      hasMore: following.length > limit,
      headSeq: feed.headSeq,
      forgottenSeq: feed.forgottenSeq,
    };
  }

  async headSeq(owner: UserId): Promise<number> {
    return this.#feed(owner).headSeq;
  }

  #all(owner: UserId): Task[] {
    return [...this.#tasks.values()].map(({ task }) => task).filter((task) => isOwnedBy(task, owner));
  }

  #owned(owner: UserId, id: TaskId, expected?: ExpectedVersions): Task | undefined {
    const task = this.#tasks.get(id)?.task;
    return task && isOwnedBy(task, owner) && versionMatches(task, expected) ? task : undefined;
  }

  #store(task: Task, seq: number): Task {
    this.#tasks.set(task.id, { task: copy(task), seq });
    return copy(task);
  }

  #feed(owner: UserId): Feed {
    let feed = this.#feeds.get(owner);
    if (feed === undefined) {
      feed = { headSeq: 0, forgottenSeq: 0, deletions: [] };
      this.#feeds.set(owner, feed);
    }
    return feed;
  }

  #nextSeq(owner: UserId): number {
    return ++this.#feed(owner).headSeq;
  }

  #delete(owner: UserId, ids: readonly TaskId[], now: Date): void {
    const seq = this.#nextSeq(owner);
    const feed = this.#feed(owner);
    for (const id of ids) {
      this.#tasks.delete(id);
      feed.deletions.push({ id, seq, deletedAt: now });
    }
    this.#forgetDeletionsBefore(new Date(now.getTime() - DELETION_RETENTION_MS));
  }

  #forgetDeletionsBefore(cutoff: Date): void {
    for (const feed of this.#feeds.values()) {
      const forgotten = feed.deletions.filter((deletion) => deletion.deletedAt < cutoff);
      if (forgotten.length === 0) continue;
      feed.forgottenSeq = Math.max(feed.forgottenSeq, ...forgotten.map((deletion) => deletion.seq));
      feed.deletions = feed.deletions.filter((deletion) => deletion.deletedAt >= cutoff);
    }
  }
}
