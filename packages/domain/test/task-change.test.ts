import t from 'tap';
import { applyChanges, changedTaskId, taskDeleted, taskId, taskUpserted, type Task, type TaskId } from '../src/index.js';
import { aTask } from './support/task-fixtures.js';

const byId = (...tasks: Task[]) => new Map<TaskId, Task>(tasks.map((task) => [task.id, task]));

t.test('an upsert adds or replaces the task; a deletion removes it; both name their task', async (t) => {
  const first = aTask({ id: taskId(1), title: 'first' });
  const renamed = { ...first, title: 'renamed', version: 2 };
  const second = aTask({ id: taskId(2) });
  const result = applyChanges(byId(first), [taskUpserted(second), taskUpserted(renamed), taskDeleted(taskId(2))]);
  t.same([...result.values()], [renamed]);
  t.equal(changedTaskId(taskUpserted(second)), 2);
  t.equal(changedTaskId(taskDeleted(taskId(7))), 7);
});

t.test('applying changes leaves the given set as it was, and deleting an unknown task changes nothing', async (t) => {
  const tasks = byId(aTask({ id: taskId(1) }));
  const result = applyChanges(tasks, [taskDeleted(taskId(9))]);
  t.equal(tasks.size, 1, 'the original is untouched');
  t.same([...result.keys()], [1]);
});
