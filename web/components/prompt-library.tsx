"use client";

import { DownloadIcon, LibraryIcon, Loader2Icon, SearchIcon, Trash2Icon, UploadIcon, XIcon } from "lucide-react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useMemo, useState } from "react";
import { toast } from "sonner";

import { ConfirmDialog } from "@/components/confirm-dialog";
import { ImportPromptsDialog } from "@/components/import-prompts-dialog";
import { NewPromptSheet } from "@/components/new-prompt-sheet";
import { PromptCard } from "@/components/prompt-card";
import { PromptSortMenu } from "@/components/prompt-sort-menu";
import { QueryError } from "@/components/query-error";
import { QuotaExceededDialog } from "@/components/quota-exceeded-dialog";
import { QuotaIndicator } from "@/components/quota-indicator";
import { TagInput } from "@/components/tag-input";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import { EmptyState } from "@/components/ui/empty-state";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { Skeleton } from "@/components/ui/skeleton";
import { useMe } from "@/hooks/use-me";
import { PROMPTS_PER_PAGE, useDeletePrompt, usePromptAction, usePrompts, useTags } from "@/hooks/use-prompts";
import { exportPrompts } from "@/lib/api";
import { downloadJson } from "@/lib/download";
import { errorMessage } from "@/lib/forms";
import {
  filtersToParams,
  filtersToQuery,
  hasActiveFilters,
  parseFilters,
  promptPaging,
  type PromptFilters,
} from "@/lib/prompt-filters";
import { quotaFromError } from "@/lib/quota";
import { canWrite, personalWorkspace } from "@/lib/validations/me";
import type { PromptSummary, QuotaProblem } from "@/lib/validations/prompt";
import { cn } from "@/lib/utils";

const SEARCH_DEBOUNCE_MS = 300;

function ListSkeleton() {
  return (
    <div role="status" aria-label="Loading prompts" className="grid gap-4 sm:grid-cols-2">
      {[0, 1, 2, 3].map((i) => (
        <Card key={i} className="grid gap-3 p-4">
          <Skeleton className="h-5 w-2/3" />
          <Skeleton className="h-4 w-1/3" />
          <Skeleton className="h-4 w-full" />
          <Skeleton className="h-4 w-1/2" />
        </Card>
      ))}
    </div>
  );
}

/**
 * The Prompts tab: a filtered, sorted, paginated card list with a trash view,
 * import and export. The query string holds the whole filter state, so a
 * view can be shared and survives a reload.
 */
export function PromptLibrary() {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const filters = useMemo(() => parseFilters(new URLSearchParams(searchParams.toString())), [searchParams]);

  const me = useMe();
  const workspaces = useMemo(() => me.data?.workspaces ?? [], [me.data]);
  const current = workspaces.find((w) => w.id === filters.workspace) ?? personalWorkspace(workspaces);
  const writable = canWrite(current?.role);
  const writableWorkspaces = workspaces.filter((w) => canWrite(w.role));

  const list = usePrompts(filtersToParams(filters, current?.id, PROMPTS_PER_PAGE), me.isSuccess);
  const tags = useTags(current?.id);
  const remove = useDeletePrompt();
  const action = usePromptAction();

  const [search, setSearch] = useState(filters.q);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [importOpen, setImportOpen] = useState(false);
  const [exporting, setExporting] = useState(false);
  const [purging, setPurging] = useState<PromptSummary | null>(null);
  const [quota, setQuota] = useState<QuotaProblem | null>(null);

  const replace = useCallback(
    (next: Partial<PromptFilters>, resetPage = true) => {
      const merged: PromptFilters = { ...filters, ...next, page: resetPage ? 1 : (next.page ?? filters.page) };
      router.replace(`${pathname}${filtersToQuery(merged)}`, { scroll: false });
    },
    [filters, pathname, router],
  );

  // The search box updates the URL once typing pauses.
  useEffect(() => {
    if (search.trim() === filters.q.trim()) return;
    const timer = setTimeout(() => replace({ q: search }), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [search, filters.q, replace]);

  const doExport = async (ids?: string[]) => {
    setExporting(true);
    try {
      const doc = await exportPrompts({ workspaceId: current?.id, ids });
      const stamp = new Date().toISOString().slice(0, 10);
      downloadJson(`krowoc-prompts-${stamp}.json`, doc);
      toast.success(`Exported ${doc.prompts.length} ${doc.prompts.length === 1 ? "prompt" : "prompts"}`);
    } catch (err) {
      toast.error("Could not export", { description: errorMessage(err) });
    } finally {
      setExporting(false);
    }
  };

  const restore = async (p: PromptSummary) => {
    try {
      await action.mutateAsync({ id: p.id, action: { kind: "undelete" } });
      toast.success(`"${p.title}" restored`);
    } catch (err) {
      const q = quotaFromError(err);
      if (q) setQuota(q);
      else toast.error("Could not restore the prompt", { description: errorMessage(err) });
    }
  };

  const purge = async () => {
    if (!purging) return;
    try {
      await remove.mutateAsync({ id: purging.id, permanent: true });
      toast.success(`"${purging.title}" deleted forever`);
      setPurging(null);
    } catch (err) {
      toast.error("Could not delete the prompt", { description: errorMessage(err) });
    }
  };

  const toggleSelected = (id: string, on: boolean) => {
    setSelected((prev) => {
      const next = new Set(prev);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  };

  const clearFilters = () => {
    setSearch("");
    replace({ tags: [], status: "", visibility: "", q: "" });
  };

  const paging = list.data ? promptPaging(list.data) : null;
  const filtered = hasActiveFilters(filters);

  let body;
  if (list.isPending || me.isPending) {
    body = <ListSkeleton />;
  } else if (list.isError) {
    body = (
      <QueryError
        title="Could not load your prompts"
        error={list.error}
        onRetry={() => void list.refetch()}
        retrying={list.isFetching}
      />
    );
  } else if (list.data.total === 0 && filtered) {
    body = (
      <EmptyState
        icon={SearchIcon}
        title="No prompts match"
        description="Try other words or remove a filter."
        action={
          <Button variant="outline" onClick={clearFilters}>
            Clear filters
          </Button>
        }
      />
    );
  } else if (list.data.total === 0 && filters.trash) {
    body = (
      <EmptyState
        icon={Trash2Icon}
        title="The trash is empty"
        description="Deleted prompts stay here for 30 days before they are gone for good."
      />
    );
  } else if (list.data.total === 0) {
    body = (
      <EmptyState
        icon={LibraryIcon}
        title="No prompts yet"
        description="Write your first prompt, or import prompts exported from another Krowoc."
        action={
          writable ? (
            <div className="flex flex-wrap justify-center gap-2">
              <NewPromptSheet workspaceId={current?.id} />
              <Button variant="outline" onClick={() => setImportOpen(true)}>
                <UploadIcon aria-hidden="true" />
                Import
              </Button>
            </div>
          ) : undefined
        }
      />
    );
  } else if (list.data.items.length === 0) {
    body = (
      <EmptyState
        title="Nothing on this page"
        action={
          <Button variant="outline" onClick={() => replace({}, true)}>
            Go to the first page
          </Button>
        }
      />
    );
  } else {
    body = (
      <div className="grid gap-4">
        <ul className="grid gap-4 sm:grid-cols-2" aria-label={filters.trash ? "Prompts in the trash" : "Prompts"}>
          {list.data.items.map((p) => (
            <li key={p.id}>
              <PromptCard
                prompt={p}
                trash={filters.trash}
                canWrite={writable}
                selected={selected.has(p.id)}
                onSelectedChange={(on) => toggleSelected(p.id, on)}
                onRestore={() => void restore(p)}
                onDeleteForever={() => setPurging(p)}
              />
            </li>
          ))}
        </ul>
        {paging && (paging.pages > 1 || paging.hasNext || filters.page > 1) ? (
          <nav aria-label="Prompt pages" className="flex items-center justify-between text-sm">
            <span className="text-muted-foreground">{paging.label}</span>
            <div className="flex gap-2">
              <Button
                variant="outline"
                size="sm"
                disabled={filters.page <= 1}
                onClick={() => replace({ page: filters.page - 1 }, false)}
              >
                Previous
              </Button>
              <Button
                variant="outline"
                size="sm"
                disabled={!paging.hasNext}
                onClick={() => replace({ page: filters.page + 1 }, false)}
              >
                Next
              </Button>
            </div>
          </nav>
        ) : null}
      </div>
    );
  }

  return (
    <div className="grid gap-5">
      <div className="sticky top-14 z-30 -mx-4 flex flex-wrap items-center gap-3 border-b bg-background/95 px-4 py-3 backdrop-blur md:-mx-8 md:px-8">
        <div className="mr-auto">
          <h1 className="text-2xl font-semibold tracking-tight">Prompts</h1>
          {current && workspaces.length > 1 ? (
            <p className="text-sm text-muted-foreground">{current.name}</p>
          ) : null}
        </div>
        {me.data ? <QuotaIndicator count={me.data.promptCount} limit={me.data.promptLimit} className="w-64" /> : null}
        <div className="flex flex-wrap items-center gap-2">
          {writable ? (
            <Button variant="outline" onClick={() => setImportOpen(true)}>
              <UploadIcon aria-hidden="true" />
              Import
            </Button>
          ) : null}
          <DropdownMenu>
            <DropdownMenuTrigger asChild>
              <Button variant="outline" disabled={exporting}>
                {exporting ? <Loader2Icon className="animate-spin" aria-hidden="true" /> : <DownloadIcon aria-hidden="true" />}
                Export
              </Button>
            </DropdownMenuTrigger>
            <DropdownMenuContent align="end">
              <DropdownMenuItem onSelect={() => void doExport()}>Export all</DropdownMenuItem>
              <DropdownMenuItem disabled={selected.size === 0} onSelect={() => void doExport([...selected])}>
                Export selected ({selected.size})
              </DropdownMenuItem>
            </DropdownMenuContent>
          </DropdownMenu>
          {writable ? <NewPromptSheet workspaceId={current?.id} /> : null}
        </div>
      </div>

      <nav aria-label="Library views" className="flex gap-1 border-b">
        {[
          { trash: false, label: "Library" },
          { trash: true, label: "Trash" },
        ].map((v) => (
          <button
            key={v.label}
            type="button"
            aria-current={filters.trash === v.trash ? "page" : undefined}
            onClick={() => {
              setSelected(new Set());
              replace({ trash: v.trash });
            }}
            className={cn(
              "-mb-px border-b-2 px-3 py-2 text-sm font-medium focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring",
              filters.trash === v.trash
                ? "border-primary text-foreground"
                : "border-transparent text-muted-foreground hover:text-foreground",
            )}
          >
            {v.label}
          </button>
        ))}
      </nav>

      <section aria-label="Filters" className="grid gap-3">
        <div className="flex flex-wrap items-end gap-3">
          <div className="grid min-w-48 flex-1 gap-1.5">
            <Label htmlFor="prompt-search">Search</Label>
            <div className="relative">
              <SearchIcon className="absolute left-2.5 top-2.5 size-4 text-muted-foreground" aria-hidden="true" />
              <Input
                id="prompt-search"
                type="search"
                value={search}
                onChange={(e) => setSearch(e.target.value)}
                placeholder="Title, text or tag…"
                className="pl-8"
              />
            </div>
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor="prompt-status-filter">Status</Label>
            <Select
              id="prompt-status-filter"
              value={filters.status}
              onChange={(e) => replace({ status: parseFilters(new URLSearchParams({ status: e.target.value })).status })}
              className="w-36"
            >
              <option value="">All</option>
              <option value="draft">Draft</option>
              <option value="published">Published</option>
              <option value="archived">Archived</option>
            </Select>
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor="prompt-visibility-filter">Visibility</Label>
            <Select
              id="prompt-visibility-filter"
              value={filters.visibility}
              onChange={(e) =>
                replace({ visibility: parseFilters(new URLSearchParams({ visibility: e.target.value })).visibility })
              }
              className="w-32"
            >
              <option value="">All</option>
              <option value="private">Private</option>
              <option value="public">Public</option>
            </Select>
          </div>
          <PromptSortMenu sort={filters.sort} order={filters.order} onChange={(sort, order) => replace({ sort, order })} />
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="prompt-tag-filter">Tags (all of)</Label>
          <TagInput
            id="prompt-tag-filter"
            value={filters.tags}
            onChange={(next) => replace({ tags: next })}
            suggestions={tags.data?.items.map((t) => t.tag) ?? []}
            placeholder="Filter by tag…"
          />
        </div>
        {filtered ? (
          <div>
            <Button variant="ghost" size="sm" onClick={clearFilters}>
              <XIcon aria-hidden="true" />
              Clear filters
            </Button>
          </div>
        ) : null}
      </section>

      <div aria-busy={list.isFetching} aria-live="polite">
        {body}
      </div>

      {writableWorkspaces.length > 0 ? (
        <ImportPromptsDialog
          open={importOpen}
          onOpenChange={setImportOpen}
          workspaces={writableWorkspaces}
          defaultWorkspace={current?.id}
        />
      ) : null}
      <ConfirmDialog
        open={purging !== null}
        title="Delete forever?"
        description={
          <>
            <span className="font-medium text-foreground">{purging?.title}</span> and all its versions will be deleted.
            This cannot be undone.
          </>
        }
        confirmLabel="Delete forever"
        destructive
        pending={remove.isPending}
        onConfirm={() => void purge()}
        onCancel={() => setPurging(null)}
      />
      <QuotaExceededDialog quota={quota} onClose={() => setQuota(null)} />
    </div>
  );
}

