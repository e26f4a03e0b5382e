// A Next.js App Router route handler (`app/webhooks/[tenant]/zoho/[module]/route.ts`), as the README shows it.
import { zohoWebhook } from '../../../../../../edusync.ts'

// #region readme
export async function POST(request: Request, { params }: { params: Promise<{ tenant: string; module: string }> }) {
  return zohoWebhook(request, { params: await params })
}
// #endregion
