import {
  compareForListing,
  comparePositions,
  matchesFilters,
  positionOf,
  type TaskCounts,
  type TaskListQuery,
  type TaskRepository,
} from '@todo/application';
import {
  applyTaskChanges,
  completionChange,
  isOverdue,
  isOwnedBy,
  versionMatches,
  type ExpectedVersions,
  type NewTask,
  type Task,
  type TaskChanges,
  type TaskId,
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

/** A real adapter kept in process memory: for tests and for trying the API without a database. */
export class InMemoryTaskRepository implements TaskRepository {
  readonly #tasks = new Map<TaskId, Task>();
  #lastId = 0;

  async insert(task: NewTask): Promise<Task> {
    const stored: Task = { ...task, id: ++this.#lastId as TaskId, version: 1 };
    this.#tasks.set(stored.id, copy(stored));
    return copy(stored);
  }

  async findOwned(owner: UserId, id: TaskId): Promise<Task | null> {
    const task = this.#owned(owner, id);
    return task ? copy(task) : null;
  }

  async updateOwned(owner: UserId, id: TaskId, changes: TaskChanges, now: Date, expected?: ExpectedVersions): Promise<Task | null> {
    const task = this.#owned(owner, id, expected);
    return task ? this.#store(applyTaskChanges(task, changes, now)) : null;
  }

  async toggleCompletedOwned(owner: UserId, id: TaskId, now: Date, expected?: ExpectedVersions): Promise<Task | null> {
    const task = this.#owned(owner, id, expected);
    return task ? this.#store(applyTaskChanges(task, completionChange(task), now)) : null;
  }

  async deleteOwned(owner: UserId, id: TaskId, expected?: ExpectedVersions): Promise<boolean> {
    return this.#owned(owner, id, expected) !== undefined && this.#tasks.delete(id);
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
    return [...new Set(ids)]
      .map((id) => this.#owned(owner, id))
      .filter((task): task is Task => task !== undefined && task.completed !== completed)
      .map((task) => this.#store(applyTaskChanges(task, { completed }, now)));
  }

  async deleteCompletedOwned(owner: UserId): Promise<number> {
    const completed = this.#all(owner).filter((task) => task.completed);
    for (const task of completed) this.#tasks.delete(task.id);
    return completed.length;
  }

  #all(owner: UserId): Task[] {
    return [...this.#tasks.values()].filter((task) => isOwnedBy(task, owner));
  }

  #owned(owner: UserId, id: TaskId, expected?: ExpectedVersions): Task | undefined {
    const task = this.#tasks.get(id);
    return task && isOwnedBy(task, owner) && versionMatches(task, expected) ? task : undefined;
  }

  #store(task: Task): Task {
    this.#tasks.set(task.id, copy(task));
    return copy(task);
  }
}
