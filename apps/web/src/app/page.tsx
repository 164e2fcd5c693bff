import { connection } from 'next/server';
import { TodoApp } from '@/components/todo-app';
import { webConfig } from '@/lib/server-config';

export default async function Home() {
  // Rendered per request, so that the API's URL is read when the server runs, not when it was built.
  await connection();
  return <TodoApp apiUrl={webConfig().apiUrl} />;
}
