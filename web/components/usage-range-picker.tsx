"use client";

import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { RANGE_PRESETS, rangeLabels, type RangePreset } from "@/lib/usage";

export interface UsageRangePickerProps {
  range: RangePreset;
  from: string;
  to: string;
  onChange: (change: { range?: RangePreset; from?: string; to?: string }) => void;
  idPrefix?: string;
}

/** The range of a usage view: the last 24 hours, 7 or 30 days, or custom dates. */
export function UsageRangePicker({ range, from, to, onChange, idPrefix = "usage" }: UsageRangePickerProps) {
  return (
    <>
      <div className="grid gap-1.5">
        <Label htmlFor={`${idPrefix}-range`}>Range</Label>
        <Select
          id={`${idPrefix}-range`}
          className="w-44"
          value={range}
          onChange={(e) => onChange({ range: e.target.value as RangePreset })}
        >
          {RANGE_PRESETS.map((p) => (
            <option key={p} value={p}>
              {rangeLabels[p]}
            </option>
          ))}
        </Select>
      </div>
      {range === "custom" ? (
        <>
          <div className="grid gap-1.5">
            <Label htmlFor={`${idPrefix}-from`}>From</Label>
            <Input id={`${idPrefix}-from`} type="date" className="w-40" value={from} max={to || undefined} onChange={(e) => onChange({ from: e.target.value })} />
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor={`${idPrefix}-to`}>To</Label>
            <Input id={`${idPrefix}-to`} type="date" className="w-40" value={to} min={from || undefined} onChange={(e) => onChange({ to: e.target.value })} />
          </div>
        </>
      ) : null}
    </>
  );
}
