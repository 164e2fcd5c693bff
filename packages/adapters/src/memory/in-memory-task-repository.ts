import { compareForListing, comparePositions, positionOf, type TaskListQuery, type TaskRepository } from '@todo/application';
import {
  applyTaskChanges,
  completionChange,
  isOwnedBy,
  type NewTask,
  type Task,
  type TaskChanges,
  type TaskId,
  type UserId,
} from '@todo/domain';

const copy = (task: Task): Task => ({ ...task, createdAt: new Date(task.createdAt), updatedAt: new Date(task.updatedAt) });

const matchesStatus = (task: Task, status: TaskListQuery['status']): boolean =>
  status === 'all' || task.completed === (status === 'completed');

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

  async updateOwned(owner: UserId, id: TaskId, changes: TaskChanges, now: Date): Promise<Task | null> {
    const task = this.#owned(owner, id);
    return task ? this.#store(applyTaskChanges(task, changes, now)) : null;
  }

  async toggleCompletedOwned(owner: UserId, id: TaskId, now: Date): Promise<Task | null> {
    const task = this.#owned(owner, id);
    return task ? this.#store(applyTaskChanges(task, completionChange(task), now)) : null;
  }

  async deleteOwned(owner: UserId, id: TaskId): Promise<boolean> {
    return this.#owned(owner, id) !== undefined && this.#tasks.delete(id);
  }

  async listOwned(owner: UserId, query: TaskListQuery): Promise<Task[]> {
    const { sort, order, after } = query;
    const isAfter = (task: Task) => after === null || comparePositions(positionOf(task, sort), after, order) > 0;
    return [...this.#tasks.values()]
      .filter((task) => isOwnedBy(task, owner) && matchesStatus(task, query.status) && isAfter(task))
      .sort(compareForListing(sort, order))
      .slice(0, query.limit)
      .map(copy);
  }

  #owned(owner: UserId, id: TaskId): Task | undefined {
    const task = this.#tasks.get(id);
    return task && isOwnedBy(task, owner) ? task : undefined;
  }

  #store(task: Task): Task {
    this.#tasks.set(task.id, copy(task));
    return copy(task);
  }
}
