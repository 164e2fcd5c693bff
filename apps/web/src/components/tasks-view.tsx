'use client';

import type { Task, TaskPage, TaskStats, TodoClient } from '@todo/client';
import { useCallback, useEffect, useRef, useState } from 'react';
import { detailOf } from '@/lib/problem';
import { EMPTY_TASK_FORM, taskFieldsOf, type TaskFormValues } from '@/lib/task-fields';
import { DEFAULT_FILTERS, listQueryOf, TaskFilters, type Filters } from './task-filters';
import { TaskForm } from './task-form';
import { TaskItem } from './task-item';

interface TasksViewProps {
  readonly api: TodoClient;
  readonly userName: string;
  readonly onSignOut: () => void;
}

/** Changes from other tabs and devices arrive in bursts (a bulk action is one per task): reload once per burst. */
const LIVE_RELOAD_DELAY_MS = 150;

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

export function TasksView({ api, userName, onSignOut }: TasksViewProps) {
  const [filters, setFilters] = useState<Filters>(DEFAULT_FILTERS);
  // The cursor of each page visited, the first page's being undefined: "Previous page" pops one.
  const [cursors, setCursors] = useState<readonly (string | undefined)[]>([undefined]);
  const [page, setPage] = useState<TaskPage | null>(null);
  const [stats, setStats] = useState<TaskStats | null>(null);
  const [message, setMessage] = useState('');
  const [problem, setProblem] = useState('');
  const [liveProblem, setLiveProblem] = useState('');
  const cursor = cursors.at(-1);

  const load = useCallback(async () => {
    try {
      const [nextPage, nextStats] = await Promise.all([
        api.tasks.list({ ...listQueryOf(filters), ...(cursor === undefined ? {} : { cursor }) }),
        api.tasks.stats(),
      ]);
      setPage(nextPage);
      setStats(nextStats);
    } catch (error) {
      setProblem(detailOf(error));
    }
  }, [api, filters, cursor]);

  useEffect(() => {
    void load();
  }, [load]);

  const latestLoad = useRef(load);
  useEffect(() => {
    latestLoad.current = load;
  }, [load]);

  // Stopped before signing out, so that the stream does not reconnect without a session meanwhile.
  const liveUpdates = useRef<AbortController | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    liveUpdates.current = controller;
    let timer: ReturnType<typeof setTimeout> | undefined;
    api.tasks
      .watch(
        () => {
          clearTimeout(timer);
          timer = setTimeout(() => void latestLoad.current(), LIVE_RELOAD_DELAY_MS);
        },
        { signal: controller.signal },
      )
      .catch((error: unknown) => setLiveProblem(`Live updates are off: ${detailOf(error)}`));
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [api]);

  /** Runs a change; announces its outcome or shows the API's detail. Resolves true when it succeeded. */
  const act = async (change: () => Promise<string>): Promise<boolean> => {
    try {
      const done = await change();
      setProblem('');
      setMessage(done);
      await load();
      return true;
    } catch (error) {
      setMessage('');
      setProblem(detailOf(error));
      return false;
    }
  };

  const add = (values: TaskFormValues) =>
    act(async () => `Added ${(await api.tasks.create(taskFieldsOf(values))).title}.`);
  const save = (task: Task, values: TaskFormValues) =>
    act(async () => `Saved ${(await api.tasks.update(task.id, taskFieldsOf(values), { ifMatch: task })).title}.`);
  const toggle = (task: Task, completed: boolean) =>
    act(async () => {
      await api.tasks.complete(task.id, completed);
      return `${completed ? 'Completed' : 'Reopened'} ${task.title}.`;
    });
  const remove = (task: Task) =>
    void act(async () => {
      await api.tasks.delete(task.id);
      return `Deleted ${task.title}.`;
    });
  const clearCompleted = () =>
    void act(async () => `Cleared ${plural((await api.tasks.clearCompleted()).deleted, 'completed task', 'completed tasks')}.`);

  const changeFilters = useCallback((next: Filters) => {
    setFilters(next);
    setCursors([undefined]);
  }, []);

  return (
    <>
      <header className="site-header">
        <span className="brand">Todo</span>
        <div className="account">
          <span>Signed in as {userName}</span>
          <button
            type="button"
            className="secondary"
            onClick={() => {
              liveUpdates.current?.abort();
              onSignOut();
            }}
          >
            Sign out
          </button>
        </div>
      </header>
      <main>
        <h1>My tasks</h1>
        <div className="messages">
          <p role="status" className="message">
            {message}
          </p>
          <p role="alert" className="problem">
            {problem}
          </p>
        </div>

        <section aria-labelledby="add-heading" className="panel">
          <h2 id="add-heading">Add a task</h2>
          <TaskForm label="Add a task" initial={EMPTY_TASK_FORM} submitLabel="Add task" onSubmit={add} />
        </section>

        <section className="panel">
          <TaskFilters filters={filters} onChange={changeFilters} />
        </section>

        <section aria-labelledby="list-heading" className="panel">
          <div className="list-header">
            <h2 id="list-heading">Tasks</h2>
            <button type="button" className="secondary" onClick={clearCompleted} disabled={!stats?.completed}>
              Clear completed
            </button>
          </div>
          {stats !== null && (
            <p className="stats">
              {plural(stats.total, 'task', 'tasks')}: {stats.pending} pending, {stats.completed} completed, {stats.overdue} overdue
            </p>
          )}
          {page === null ? (
            <p>Loading tasks…</p>
          ) : page.tasks.length === 0 ? (
            <p>No tasks here.</p>
          ) : (
            <ul className="tasks" aria-label="Tasks">
              {page.tasks.map((task) => (
                <TaskItem key={task.id} task={task} onToggle={toggle} onDelete={remove} onSave={save} />
              ))}
            </ul>
          )}
          <nav aria-label="Pages" className="pages">
            <button type="button" className="secondary" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
              Previous page
            </button>
            <span>Page {cursors.length}</span>
            <button
              type="button"
              className="secondary"
              disabled={page?.next == null}
              onClick={() => page?.next != null && setCursors([...cursors, page.next])}
            >
              Next page
            </button>
          </nav>
        </section>
        {liveProblem !== '' && <p className="live-note">{liveProblem}</p>}
      </main>
    </>
  );
}
